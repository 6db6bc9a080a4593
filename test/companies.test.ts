// Companies and connections through HTTP: every operation, bodies checked against the schemas the OpenAPI
// document is generated from, and another client's resources never visible.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../src/api/app.js';
import type { ErrorMessage } from '../src/api/errors.js';
import { CompaniesSchema, CompanySchema, ConnectionSchema, ConnectionsSchema, ErrorMessageSchema, PullOperationSchema } from '../src/api/contract/models.js';
import type { Company, Connection, PullOperation } from '../src/api/wire.js';
import { eventually, type Harness, startHarness, type Tenant } from './support/harness.js';

let h: Harness;
let other: Tenant;

beforeAll(async () => {
  h = await startHarness();
  other = await h.addTenant();
});
afterAll(async () => {
  await h?.close();
});

describe('companies', () => {
  it('creates, gets, lists and deletes a company', async () => {
    const created = await h.request<Company>('POST', '/companies', { body: { name: 'Bank of Dave', description: 'Lender' } });
    expect(created.status).toBe(200);
    expect(CompanySchema.parse(created.body)).toMatchObject({ name: 'Bank of Dave', description: 'Lender', dataConnections: [], lastSync: null });

    const fetched = await h.request<Company>('GET', `/companies/${created.body.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(created.body);

    const listed = await h.request('GET', `/companies?query=${encodeURIComponent('name~dave')}&pageSize=10`);
    expect(listed.status).toBe(200);
    const page = CompaniesSchema.parse(listed.body);
    expect(page.results.map((c) => c.id)).toEqual([created.body.id]);
    expect(page.totalResults).toBe(1);

    expect((await h.request('DELETE', `/companies/${created.body.id}`)).status).toBe(204);
    expect((await h.request('GET', `/companies/${created.body.id}`)).status).toBe(404);
    expect((await h.request('DELETE', `/companies/${created.body.id}`)).status).toBe(404);
  });

  it('lists only the caller’s companies, with their connections', async () => {
    const listed = CompaniesSchema.parse((await h.request('GET', '/companies?pageSize=5000')).body);
    expect(listed.results.map((c) => c.id)).toContain(h.tenant.companyId);
    expect(listed.results.map((c) => c.id)).not.toContain(other.companyId);
    const mine = listed.results.find((c) => c.id === h.tenant.companyId)!;
    expect(mine.dataConnections.map((c) => c.id)).toEqual([h.tenant.connectionId]);
  });

  it('rejects bad bodies and queries with a Codat 400', async () => {
    for (const body of [{}, { name: '' }, { name: 42 }, { name: 'x', description: 7 }]) {
      const res = await h.request<ErrorMessage>('POST', '/companies', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(ErrorMessageSchema.parse(res.body).error).toMatch(/^Invalid request\. body/);
    }
    const detailed = await h.request<ErrorMessage>('POST', '/companies', { body: { name: '', description: 7 } });
    expect(detailed.body.validation).toEqual({
      errors: [
        { itemId: 'body.name', message: expect.stringContaining('>=1'), validatorName: 'too_small' },
        { itemId: 'body.description', message: expect.stringContaining('expected string'), validatorName: 'invalid_type' },
      ],
      warnings: [],
    });
    const malformed = await fetch(`${h.baseUrl}/companies`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(h.tenant.apiKey).toString('base64')}`, 'Content-Type': 'application/json' },
      body: '{"name":',
    });
    expect(malformed.status).toBe(400);
    expect((await h.request('GET', '/companies?query=nope=1')).status).toBe(400);
    expect((await h.request('GET', '/companies?pageSize=0')).status).toBe(400);
  });

  it("hides another client's company", async () => {
    expect((await h.request('GET', `/companies/${other.companyId}`)).status).toBe(404);
    expect((await h.request('DELETE', `/companies/${other.companyId}`)).status).toBe(404);
    expect((await h.request('GET', `/companies/${other.companyId}`, { apiKey: other.apiKey })).status).toBe(200);
  });
});

describe('connections', () => {
  it('creates a connection, refreshes through it, unlinks and deletes it', async () => {
    const company = await h.request<Company>('POST', '/companies', { body: { name: 'Connected Ltd' } });
    const created = await h.request<Connection>('POST', `/companies/${company.body.id}/connections`, {
      body: { platformKey: 'sandbox', parameters: { recordsPerDataType: 30, pageSize: 10 } },
    });
    expect(created.status).toBe(200);
    expect(ConnectionSchema.parse(created.body)).toMatchObject({ integrationKey: 'sandbox', platformName: 'Sandbox', sourceType: 'Accounting', status: 'Linked' });
    const base = `/companies/${company.body.id}/connections`;

    const queued = await h.request<PullOperation>('POST', `/companies/${company.body.id}/data/queue/invoices?connectionId=${created.body.id}`);
    expect(PullOperationSchema.parse(queued.body).connectionId).toBe(created.body.id);
    await eventually(
      () => h.request<PullOperation>('GET', `/companies/${company.body.id}/data/history/${queued.body.id}`),
      (r) => r.body.status === 'Complete',
    );
    const fetched = ConnectionSchema.parse((await h.request('GET', `${base}/${created.body.id}`)).body);
    expect(fetched.lastSync).not.toBeNull();
    expect(CompanySchema.parse((await h.request('GET', `/companies/${company.body.id}`)).body).lastSync).toBe(fetched.lastSync);

    const listed = ConnectionsSchema.parse((await h.request('GET', base)).body);
    expect(listed.results.map((c) => c.id)).toEqual([created.body.id]);
    // Codat's query language works on connections too.
    const linked = ConnectionsSchema.parse((await h.request('GET', `${base}?query=${encodeURIComponent('status=Linked&&integrationKey=sandbox')}`)).body);
    expect(linked.totalResults).toBe(1);
    expect(ConnectionsSchema.parse((await h.request('GET', `${base}?query=status%3DUnlinked`)).body).totalResults).toBe(0);
    expect((await h.request('GET', `${base}?query=platform%3Dx`)).status).toBe(400);

    const unlinked = await h.request<Connection>('PATCH', `${base}/${created.body.id}`, { body: { status: 'Unlinked' } });
    expect(unlinked.status).toBe(200);
    expect(unlinked.body.status).toBe('Unlinked');
    // An unlinked connection is not chosen for refreshes.
    expect((await h.request('POST', `/companies/${company.body.id}/data/queue/invoices`)).status).toBe(404);
    expect((await h.request('PATCH', `${base}/${created.body.id}`, { body: { status: 'Linked' } })).status).toBe(400);

    expect((await h.request('DELETE', `${base}/${created.body.id}`)).status).toBe(204);
    expect((await h.request('GET', `${base}/${created.body.id}`)).status).toBe(404);
    expect(await h.store.pullOperations.getById(queued.body.id)).toBeUndefined();
  });

  it("checks the platform and the connector's parameters when the connection is made", async () => {
    const base = `/companies/${h.tenant.companyId}/connections`;
    const unknown = await h.request<ErrorMessage>('POST', base, { body: { platformKey: 'quickbooks' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toContain('Unknown platformKey "quickbooks". Available: sandbox');
    const bad = await h.request<ErrorMessage>('POST', base, { body: { platformKey: 'sandbox', parameters: { pageSize: 0 } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain('parameters.pageSize');
  });

  it("hides another client's connections", async () => {
    const theirs = `/companies/${other.companyId}/connections/${other.connectionId}`;
    expect((await h.request('GET', theirs)).status).toBe(404);
    expect((await h.request('PATCH', theirs, { body: { status: 'Unlinked' } })).status).toBe(404);
    expect((await h.request('DELETE', theirs)).status).toBe(404);
    expect((await h.request('GET', `/companies/${h.tenant.companyId}/connections/${other.connectionId}`)).status).toBe(404);
    expect((await h.request('POST', `/companies/${other.companyId}/connections`, { body: { platformKey: 'sandbox' } })).status).toBe(404);
  });
});

describe('GET /docs', () => {
  it('serves the API reference page and its assets from this server, without a key', async () => {
    const page = await fetch(`${h.baseUrl}/docs/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Sluice API reference');
    const init = await (await fetch(`${h.baseUrl}/docs/swagger-ui-init.js`)).text();
    expect(init).toContain('"operationId": "refresh-data-type"');
    const bundle = await fetch(`${h.baseUrl}/docs/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toContain('javascript');
  });
});

describe('GET /openapi.json', () => {
  it('documents every operation the API serves, generated from the same schemas, without a key', async () => {
    const res = await fetch(`${h.baseUrl}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { operationId: string }>>; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.values(doc.paths).flatMap((methods) => Object.values(methods).map((m) => m.operationId));
    expect(documented.sort()).toEqual(operations.map((o) => o.operationId).sort());
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['PullOperation', 'PullOperations', 'DataStatuses', 'ErrorMessage', 'Company', 'Connection']));
  });
});
