// Every operation of the API, called with arbitrary path values, query strings and bodies by one client:
// never a 5xx, never anything of another client's in an answer, and the other client's data left intact.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../src/api/app.js';
import { type Harness, startHarness, type Tenant } from './support/harness.js';

let h: Harness;
let mine: Tenant;
let theirs: Tenant;

beforeAll(async () => {
  h = await startHarness();
  mine = await h.addTenant({ recordsPerDataType: 20 });
  theirs = await h.addTenant();
  // Something of theirs to find: a pull operation and a job.
  await h.request('POST', `/companies/${theirs.companyId}/data/queue/invoices`, { apiKey: theirs.apiKey });
  await h.request('POST', `/api/v1/connections/${theirs.connectionId}/refresh`, { apiKey: theirs.apiKey, body: {} });
});
afterAll(async () => {
  await h?.close();
});

describe('API fuzzing', () => {
  it('answers every operation without a 5xx and without another client’s data', async () => {
    const theirIds = [theirs.companyId, theirs.connectionId, theirs.clientId];
    const pathValue = fc.oneof(
      fc.constantFrom(mine.companyId, mine.connectionId, theirs.companyId, theirs.connectionId, 'invoices', 'company:x', `company:${theirs.companyId}`, `connection:${theirs.connectionId}`, 'a\u0000b', `company:x\u0000`),
      fc.string({ minLength: 1, maxLength: 40 }),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }),
    );
    const queryValue = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('1', '0', '-1', '5001', `id=${theirs.companyId}`, 'status=Complete', 'status=a\u0000'));
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record({ name: fc.oneof(fc.string({ unit: 'binary', maxLength: 20 }), fc.constant('nul\u0000name')), platformKey: fc.constantFrom('sandbox', 'x'), parameters: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })) }, { requiredKeys: [] }),
      fc.record({ companyId: fc.constantFrom(mine.companyId, theirs.companyId), clientId: fc.constantFrom(mine.clientId, theirs.clientId), settings: fc.constant([]) }),
    );
    const call = fc.record({
      operationId: fc.constantFrom(...operations.map((o) => o.operationId)),
      path: fc.array(pathValue, { minLength: 3, maxLength: 3 }),
      query: fc.dictionary(fc.constantFrom('page', 'pageSize', 'query', 'orderBy', 'connectionId'), queryValue, { maxKeys: 3 }),
      body,
    });

    await fc.assert(
      fc.asyncProperty(call, async ({ operationId, path, query, body }) => {
        const operation = operations.find((o) => o.operationId === operationId)!;
        let i = 0;
        const url = operation.path.replace(/\{\w+\}/g, () => encodeURIComponent(path[i++]!)) + (Object.keys(query).length ? `?${new URLSearchParams(query)}` : '');
        const res = await fetch(`${h.baseUrl}${url}`, {
          method: operation.method.toUpperCase(),
          headers: { Authorization: `Basic ${Buffer.from(mine.apiKey).toString('base64')}`, 'Content-Type': 'application/json' },
          ...(operation.method !== 'get' && { body: JSON.stringify(body) }),
        });
        const text = await res.text();
        expect(res.status, `${operation.method} ${url} -> ${text.slice(0, 300)}`).toBeLessThan(500);
        // An id the caller sent may be echoed ("No company was found with ID …"); any other of theirs is a leak.
        const sent = decodeURIComponent(url) + JSON.stringify(body);
        for (const id of theirIds.filter((id) => !sent.includes(id))) expect(text, `${operation.method} ${url} leaked ${id}`).not.toContain(id);
      }),
      { numRuns: 300 },
    );

    // Nothing of theirs was changed or deleted by any of it.
    expect(await h.store.companies.getCompany(theirs.clientId, theirs.companyId)).toBeDefined();
    expect((await h.store.companies.getConnectionById(theirs.connectionId))?.status).toBe('Linked');
  });
});
