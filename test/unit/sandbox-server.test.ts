import { afterAll, describe, expect, it } from 'vitest';
import { type SandboxApi, type SandboxApiOptions, startSandboxApi } from '../../src/connectors/sandbox/server.js';

const servers: SandboxApi[] = [];
async function serve(options: SandboxApiOptions = {}) {
  const api = await startSandboxApi(options);
  servers.push(api);
  return api;
}
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

interface Listing {
  results: { id: string; modifiedDate: string }[];
  totalResults: number;
  pageNumber: number;
  pageSize: number;
  nextCursor: string | null;
  next: string | null;
}

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: (res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as Listing };
}

describe('sandbox API', () => {
  it('pages through ten million records at the cost of one page, in every style at once', async () => {
    const api = await serve({ recordsPerDataType: 10_000_000 });
    const started = performance.now();
    const byOffset = await get(`${api.url}/payments?offset=9999990&limit=10`);
    const byPage = await get(`${api.url}/payments?page=1000000&pageSize=10`);
    expect(performance.now() - started).toBeLessThan(500);
    expect(byOffset.body.results.map((r) => r.id)).toEqual(byPage.body.results.map((r) => r.id));
    expect(byOffset.body).toMatchObject({ totalResults: 10_000_000, pageNumber: 1_000_000, pageSize: 10, nextCursor: null, next: null });
    expect(byOffset.body.results.at(-1)!.id).toBe('pay-9999999');

    const first = await get(`${api.url}/payments?pageSize=2`);
    expect(first.body.next).toBe(`${api.url}/payments?pageSize=2&page=2`);
    expect(first.headers.get('link')).toBe(`<${api.url}/payments?pageSize=2&page=2>; rel="next"`);
    const byCursor = await get(`${api.url}/payments?cursor=${first.body.nextCursor}`);
    const viaNext = await get(first.body.next!);
    expect(byCursor.body.results).toEqual(viaNext.body.results);
    expect(byCursor.body.results[0]!.id).toBe('pay-000002');
  });

  it('cuts page sizes to maxPageSize and refuses what it cannot read with a 400', async () => {
    const api = await serve({ recordsPerDataType: 50, maxPageSize: 20 });
    expect((await get(`${api.url}/bills?pageSize=500`)).body).toMatchObject({ pageSize: 20, totalResults: 50 });
    expect((await get(`${api.url}/bills?page=0`)).status).toBe(400);
    expect((await get(`${api.url}/bills?cursor=bogus`)).status).toBe(400);
    expect((await get(`${api.url}/bills?modifiedSince=yesterday`)).status).toBe(400);
    expect((await get(`${api.url}/balanceSheet`)).status).toBe(404);
  });

  it('answers 401 to every unauthenticated request, and logs what each request carried', async () => {
    const api = await serve({ auth: { type: 'apiKey', header: 'X-Api-Key', apiKey: 'the-key' } });
    for (const path of ['/invoices', '/nope', '/oauth/token']) expect((await get(`${api.url}${path}`)).status).toBe(401);
    expect((await get(`${api.url}/invoices?page=2`, { 'X-Api-Key': 'the-key' })).status).toBe(200);
    expect((await get(`${api.url}/invoices`, { authorization: 'Bearer x' })).status).toBe(401);
    expect(api.requests.map(({ path, query, status, auth, method }) => ({ method, path, query, status, auth }))).toEqual([
      { method: 'GET', path: '/invoices', query: {}, status: 401, auth: 'none' },
      { method: 'GET', path: '/nope', query: {}, status: 401, auth: 'none' },
      { method: 'GET', path: '/oauth/token', query: {}, status: 401, auth: 'none' },
      { method: 'GET', path: '/invoices', query: { page: '2' }, status: 200, auth: 'apiKey' },
      { method: 'GET', path: '/invoices', query: {}, status: 401, auth: 'bearer' },
    ]);
    expect(Date.parse(api.requests[0]!.time)).toBeGreaterThan(0);
  });

  it('issues client-credentials tokens that expire, and refuses a wrong client', async () => {
    const api = await serve({ auth: { type: 'oauth2ClientCredentials', clientId: 'id', clientSecret: 'secret', tokenTtlSeconds: 60 } });
    const token = async (body: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${api.url}/oauth/token`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const issued = await token('grant_type=client_credentials&client_id=id&client_secret=secret');
    expect(issued).toMatchObject({ status: 200, body: { token_type: 'Bearer', expires_in: 60, access_token: expect.any(String) } });
    expect((await get(`${api.url}/customers`, { authorization: `Bearer ${issued.body.access_token}` })).status).toBe(200);
    expect(await token('grant_type=client_credentials', { authorization: `Basic ${Buffer.from('id:wrong').toString('base64')}` })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await token('grant_type=password')).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
    api.revokeTokens();
    const revoked = await get(`${api.url}/customers`, { authorization: `Bearer ${issued.body.access_token}` });
    expect(revoked.status).toBe(401);
    expect(revoked.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('changes, adds and removes records, and filters by modifiedSince', async () => {
    const api = await serve({ recordsPerDataType: 30 });
    const since = new Date().toISOString();
    const touched = api.touch('suppliers', 'sup-000007', { status: 'Archived' });
    const added = api.add('suppliers', { supplierName: 'New Co' });
    api.remove('suppliers', 'sup-000002');
    expect(() => api.remove('suppliers', 'sup-000002')).toThrow(/no suppliers record sup-000002/);
    expect(added.id).toBe('sup-000030');
    const changed = await get(`${api.url}/suppliers?modifiedSince=${encodeURIComponent(since)}`);
    expect(changed.body.results.map((r) => r.id)).toEqual(['sup-000007', 'sup-000030']);
    expect(changed.body.results[0]).toMatchObject({ status: 'Archived', modifiedDate: touched.modifiedDate });
    const all = await get(`${api.url}/suppliers?limit=100`);
    expect(all.body.totalResults).toBe(30);
    expect(all.body.results.map((r) => r.id)).not.toContain('sup-000002');
    expect(all.body.results.at(-1)!.id).toBe('sup-000030');
    // Accounts' ids are nominal codes, not indexes: found by scanning.
    expect(api.touch('chartOfAccounts', 'acc-4000-1').id).toBe('acc-4000-1');
  });

  it('inflicts faults as HTTP answers, and closes promptly with a stalled request in flight', async () => {
    const api = await serve({ faults: [{ kind: 'rateLimited', retryAfterSeconds: 9, times: 1 }, { kind: 'serverError', status: 500, dataTypes: ['bills'] }] });
    const limited = await get(`${api.url}/invoices`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('9');
    expect((await get(`${api.url}/invoices`)).status).toBe(200);
    expect((await get(`${api.url}/bills`)).status).toBe(500);
    api.setFaults([{ kind: 'malformed' }]);
    const malformed = await get(`${api.url}/invoices`).catch((e: unknown) => e);
    expect(malformed).toBeInstanceOf(SyntaxError);
    api.setFaults([{ kind: 'timeout', delayMs: 60_000 }]);
    const stalled = fetch(`${api.url}/invoices`).catch(() => 'aborted');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await api.close();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await stalled).toBe('aborted');
  });
});
