// A client generated from /openapi.json (openapi-typescript types + openapi-fetch), as a user's project would
// make one, drives a refresh from queue to Complete. tsc type-checks these calls against the generated types.
import { readFile } from 'node:fs/promises';
import createClient from 'openapi-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERATED_TYPES_PATH, generateClientTypes } from '../scripts/generate-client-types.js';
import type { paths } from './generated/sluice-api.js';
import { eventually, type Harness, startHarness } from './support/harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('a client generated from /openapi.json', () => {
  it('is generated from the current document (run `npm run generate:client` after changing a schema)', async () => {
    expect(await readFile(GENERATED_TYPES_PATH, 'utf8')).toBe(await generateClientTypes());
  });

  it('creates a company and a connection, then refreshes a data type to Complete', async () => {
    const api = createClient<paths>({
      baseUrl: h.baseUrl,
      headers: { Authorization: `Basic ${Buffer.from(h.tenant.apiKey).toString('base64')}` },
    });

    const company = await api.POST('/companies', { body: { name: 'Generated Client Ltd' } });
    expect(company.response.status).toBe(200);
    const companyId = company.data!.id;

    const connection = await api.POST('/companies/{companyId}/connections', {
      params: { path: { companyId } },
      body: { platformKey: 'sandbox', parameters: { recordsPerDataType: 25, pageSize: 10 } },
    });
    expect(connection.data?.status).toBe('Linked');

    const queued = await api.POST('/companies/{companyId}/data/queue/{dataType}', {
      params: { path: { companyId, dataType: 'customers' }, query: { connectionId: connection.data!.id } },
    });
    expect(queued.data?.status).toBe('Queued');

    const done = await eventually(
      () => api.GET('/companies/{companyId}/data/history/{datasetId}', { params: { path: { companyId, datasetId: queued.data!.id } } }),
      (r) => r.data?.status === 'Complete',
    );
    expect(done.data).toMatchObject({ isCompleted: true, progress: 100 });

    const history = await api.GET('/companies/{companyId}/data/history', { params: { path: { companyId }, query: { query: 'status=Complete', pageSize: 10 } } });
    expect(history.data?.results.map((p) => p.id)).toEqual([queued.data!.id]);

    const status = await api.GET('/companies/{companyId}/dataStatus', { params: { path: { companyId } } });
    expect(status.data?.customers?.latestSuccessfulSyncId).toBe(queued.data!.id);

    // Errors come back typed as ErrorMessage.
    const missing = await api.GET('/companies/{companyId}', { params: { path: { companyId: '00000000-0000-4000-8000-000000000000' } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error?.error).toContain('No company was found');
  });
});
