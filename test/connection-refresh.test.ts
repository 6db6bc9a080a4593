// The connection refresh API (seed 003): POST /api/v1/connections/{connectionId}/refresh and the job it returns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { ErrorMessage } from '../src/api/errors.js';
import { RefreshJobResponseSchema } from '../src/api/contract/models.js';
import { redactSecrets } from '../src/api/wire.js';
import { startSandboxApi } from '../src/connectors/sandbox/server.js';
import { eventually, type Harness, startHarness, type Tenant } from './support/harness.js';

type JobResponse = z.output<typeof RefreshJobResponseSchema>;
let h: Harness;
let tenant: Tenant;
let other: Tenant;

beforeAll(async () => {
  h = await startHarness();
  tenant = await h.addTenant({ recordsPerDataType: 30, pageSize: 10, latencyMs: 50 });
  other = await h.addTenant();
});
afterAll(async () => {
  await h?.close();
});

const refresh = (who: Tenant, connectionId: string, body: object) =>
  h.request<JobResponse & ErrorMessage>('POST', `/api/v1/connections/${connectionId}/refresh`, { apiKey: who.apiKey, body });
const job = (who: Tenant, jobId: string) => h.request<JobResponse & ErrorMessage>('GET', `/api/v1/jobs/${jobId}`, { apiKey: who.apiKey });

describe('POST /api/v1/connections/{connectionId}/refresh', () => {
  it('pulls the data types the connection offers, as its parameters configure them', async () => {
    const api = await startSandboxApi({ recordsPerDataType: 15 });
    try {
      const endpoint = { recordsPath: 'results', modifiedField: 'modifiedDate' };
      const http = await h.addTenantWith('http', {
        baseUrl: api.url,
        dataTypes: { invoices: { path: '/invoices', ...endpoint }, bills: { path: '/bills', ...endpoint } },
        pagination: { type: 'page', pageSize: 10 },
      });
      const res = await refresh(http, http.connectionId, {});
      expect(res.status).toBe(200);
      const done = await eventually(() => job(http, res.body.body.jobId), (r) => r.body.body.sourceStatus !== 'Running' && r.body.body.sourceStatus !== 'Queued');
      expect(done.body.body).toMatchObject({ sourceStatus: 'Complete', destinationMetadata: { recordsWritten: 30 } });
      expect(done.body.body.sourceMetadata.pullOperations.map((p) => p.dataType).sort()).toEqual(['bills', 'invoices']);
    } finally {
      await api.close();
    }
  });

  it('starts a job that pulls every data type of the connection, observable until both sides complete', async () => {
    const res = await refresh(tenant, tenant.connectionId, {
      connectionId: tenant.connectionId,
      sourceParameters: { recordsPerDataType: 40 },
      destinationParameters: { table: 'ledger', apiToken: 'do-not-echo' },
      usePreviousSourceParameters: false,
      usePreviousDestinationParameters: false,
      workspaceId: 'ws-1',
    });
    expect(res.status).toBe(200);
    const started = RefreshJobResponseSchema.parse(res.body);
    expect(started.code).toBe(200);
    expect(started.body).toMatchObject({
      connectionId: tenant.connectionId,
      workspaceId: 'ws-1',
      sourceWorkspaceId: 'ws-1',
      destinationWorkspaceId: 'ws-1',
      createdBy: tenant.clientId,
      destinationParameters: { table: 'ledger', apiToken: '***' },
    });
    expect(started.body.sourceParameters).toMatchObject({ recordsPerDataType: 40, pageSize: 10 });
    // The job's run starts its pulls as its concurrency allows: at first there are none.
    expect(started.body).toMatchObject({ sourceStatus: 'Queued', destinationStatus: 'Pending' });

    // The job's statuses stay current while it runs: Running once a pull has started, Writing once one wrote.
    const running = await eventually(() => job(tenant, started.body.jobId), (r) => r.body.body.destinationStatus === 'Writing', 20_000);
    expect(running.body.body.sourceStatus).toBe('Running');
    const done = await eventually(() => job(tenant, started.body.jobId), (r) => r.body.body.sourceStatus !== 'Queued' && r.body.body.sourceStatus !== 'Running');
    expect(RefreshJobResponseSchema.parse(done.body).body).toMatchObject({ sourceStatus: 'Complete', destinationStatus: 'Complete', error: null });
    expect(done.body.body.sourceMetadata.pullOperations.map((p) => p.dataType).sort()).toEqual(
      ['bills', 'chartOfAccounts', 'customers', 'invoices', 'payments', 'suppliers'],
    );
    // The new source parameters took effect and stay on the connection: 40 records of each type.
    expect(done.body.body.destinationMetadata.recordsWritten).toBe(6 * 40);
    expect(await h.store.records.count(tenant.companyId, tenant.connectionId, 'invoices')).toBe(40);

    // usePrevious… keeps the connection's parameters and the last job's destination parameters.
    const again = await refresh(tenant, tenant.connectionId, { usePreviousSourceParameters: true, usePreviousDestinationParameters: true, sourceParameters: { recordsPerDataType: 5 } });
    expect(again.body.body.sourceParameters).toMatchObject({ recordsPerDataType: 40 });
    expect(again.body.body.destinationParameters).toEqual({ table: 'ledger', apiToken: '***' });
    await eventually(() => job(tenant, again.body.body.jobId), (r) => r.body.body.sourceStatus === 'Complete');
  });

  it('reports a failing source on the job', async () => {
    const failing = await h.addTenant({ faults: [{ kind: 'malformed', dataTypes: ['bills'], message: 'Ledger closed' }] });
    const res = await refresh(failing, failing.connectionId, {});
    const done = await eventually(() => job(failing, res.body.body.jobId), (r) => !['Queued', 'Running'].includes(r.body.body.sourceStatus));
    expect(done.body.body).toMatchObject({ sourceStatus: 'Failed', destinationStatus: 'Failed', error: 'bills: FetchError (Ledger closed (bills page 1))' });
  });

  it('rejects bad requests with a Codat 400', async () => {
    expect((await refresh(tenant, tenant.connectionId, { connectionId: other.connectionId })).status).toBe(400);
    expect((await refresh(tenant, tenant.connectionId, { sourceParameters: { pageSize: 0 } })).body.error).toContain('sourceParameters.pageSize');
    expect((await refresh(tenant, tenant.connectionId, { usePreviousSourceParameters: 'yes' })).status).toBe(400);
    const noBody = await fetch(`${h.baseUrl}/api/v1/connections/${tenant.connectionId}/refresh`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(tenant.apiKey).toString('base64')}` },
    });
    expect(noBody.status).toBe(200);
  });

  it("hides another client's connections and jobs", async () => {
    expect((await refresh(tenant, other.connectionId, {})).status).toBe(404);
    const theirs = await refresh(other, other.connectionId, {});
    expect(theirs.status).toBe(200);
    expect((await job(tenant, theirs.body.body.jobId)).status).toBe(404);
    expect((await job(other, theirs.body.body.jobId)).status).toBe(200);
  });
});

describe('redactSecrets', () => {
  it('masks secret-looking keys at any depth and leaves the rest', () => {
    expect(redactSecrets({ baseUrl: 'https://x', auth: { clientSecret: 's', password: 'p', user: 'u' }, list: [{ api_key: 'k' }] })).toEqual({
      baseUrl: 'https://x',
      auth: { clientSecret: '***', password: '***', user: 'u' },
      list: [{ api_key: '***' }],
    });
  });
});
