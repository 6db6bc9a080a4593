import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataType } from '../../src/domain/index.js';
import type { Page, SourceRecord } from '../../src/connectors/connector.js';
import { UpstreamError } from '../../src/connectors/errors.js';
import { parseRetryAfter } from '../../src/connectors/http/errors.js';
import { type HttpParameters, type HttpSettings, httpConnector } from '../../src/connectors/http/index.js';
import { toIsoTime } from '../../src/connectors/http/records.js';
import { createConnectorRegistry } from '../../src/connectors/registry.js';
import { type SandboxApi, type SandboxApiOptions, startSandboxApi } from '../../src/connectors/sandbox/server.js';

// The HTTP connector against the sandbox API on loopback: real sockets, real status codes and headers.

const N = 23; // not a multiple of the page size, so the last page is short
const PAGE = 5;

const servers: SandboxApi[] = [];
async function serve(options: SandboxApiOptions = {}): Promise<SandboxApi> {
  const api = await startSandboxApi({ recordsPerDataType: N, ...options });
  servers.push(api);
  return api;
}
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const endpoint = { recordsPath: 'results', modifiedField: 'modifiedDate', totalPath: 'totalResults' };

function settings(api: SandboxApi, overrides: Partial<HttpSettings> = {}): HttpParameters {
  return httpConnector.parameters.parse({
    baseUrl: api.url,
    dataTypes: { invoices: { path: '/invoices', ...endpoint }, customers: { path: 'customers', ...endpoint } },
    pagination: { type: 'page', pageSize: PAGE },
    ...overrides,
  });
}

async function pullAll(params: HttpParameters, dataType: DataType = 'invoices', from: { cursor: string | null; modifiedSince?: string } = { cursor: null }) {
  const pages: Page[] = [];
  let cursor = from.cursor;
  do {
    const page = await httpConnector.pullPage(params, { dataType, cursor, modifiedSince: from.modifiedSince });
    pages.push(page);
    cursor = page.nextCursor;
    expect(pages.length).toBeLessThan(100);
  } while (cursor !== null);
  return { pages, records: pages.flatMap((p) => p.records) };
}

const ids = (records: SourceRecord[]) => records.map((r) => r.id);
const expectedIds = Array.from({ length: N }, (_, i) => `inv-${String(i).padStart(6, '0')}`);

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

describe('http connector: pagination', () => {
  let api: SandboxApi;
  beforeAll(async () => {
    api = await serve();
  });

  const styles: [string, HttpSettings['pagination'], Partial<typeof endpoint>?][] = [
    ['page numbers, stopping at the total', { type: 'page', pageSize: PAGE }],
    ['page numbers, stopping at a short page', { type: 'page', pageSize: PAGE }, { totalPath: undefined }],
    ['offset and limit', { type: 'offset', limit: PAGE }],
    ['a cursor token from the body', { type: 'cursor', cursorParam: 'cursor', nextCursorPath: 'nextCursor', pageSizeParam: 'pageSize', pageSize: PAGE }],
    ['a next URL in the body', { type: 'nextUrl', nextUrlPath: 'next', pageSizeParam: 'pageSize', pageSize: PAGE }],
    ['the Link header', { type: 'linkHeader', pageSizeParam: 'limit', pageSize: PAGE }],
  ];

  it.each(styles)('reads exactly every record once by %s', async (_name, pagination, endpointOverrides = {}) => {
    const params = settings(api, { pagination, dataTypes: { invoices: { path: '/invoices', ...endpoint, ...endpointOverrides } } });
    const before = api.requests.length;
    const { pages, records } = await pullAll(params);
    expect(ids(records)).toEqual(expectedIds);
    expect(pages.map((p) => p.records.length)).toEqual([5, 5, 5, 5, 3]);
    expect(api.requests.length - before).toBe(5);
    expect(pages[0]!.totalRecords).toBe(endpointOverrides.totalPath === undefined && 'totalPath' in endpointOverrides ? undefined : N);
    expect(records[0]).toMatchObject({ id: 'inv-000000', modifiedDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), data: { invoiceNumber: 'INV-000001' } });
  });

  it('asks for one more page when the last full page leaves the end unknown', async () => {
    const exact = await serve({ recordsPerDataType: 10 });
    const params = settings(exact, { dataTypes: { invoices: { path: '/invoices', recordsPath: 'results' } } });
    const { pages, records } = await pullAll(params);
    expect(records).toHaveLength(10);
    expect(pages.map((p) => p.records.length)).toEqual([5, 5, 0]);
  });

  it('sends the page parameters it is configured with, and static query and headers', async () => {
    const params = settings(api, {
      pagination: { type: 'page', pageParam: 'page', pageSizeParam: 'pageSize', pageSize: 10, firstPage: 1 },
      query: { include: 'lines' },
      headers: { 'X-Tenant': 'acme' },
    });
    const before = api.requests.length;
    await pullAll(params);
    expect(api.requests.slice(before).map((r) => r.query)).toEqual([
      { include: 'lines', page: '1', pageSize: '10' },
      { include: 'lines', page: '2', pageSize: '10' },
      { include: 'lines', page: '3', pageSize: '10' },
    ]);
  });

  it.each(styles)('resumes from a cursor saved mid-pull at the exact next page (%s)', async (_name, pagination, endpointOverrides = {}) => {
    const params = settings(api, { pagination, query: { include: 'lines' }, dataTypes: { invoices: { path: '/invoices', ...endpoint, ...endpointOverrides } } });
    const first = await httpConnector.pullPage(params, { dataType: 'invoices', cursor: null });
    const second = await httpConnector.pullPage(params, { dataType: 'invoices', cursor: first.nextCursor });
    // The cursor is a self-contained string (as Sluice stores it), without the static query parameters.
    const saved = second.nextCursor!;
    expect(typeof JSON.parse(saved)).toBe('object');
    expect(saved).not.toContain('include');
    const before = api.requests.length;
    const rest = await pullAll(params, 'invoices', { cursor: saved });
    expect(ids([...first.records, ...second.records, ...rest.records])).toEqual(expectedIds);
    expect(ids(rest.pages[0]!.records)).toEqual(expectedIds.slice(10, 15));
    expect(api.requests[before]!.query).toMatchObject({ include: 'lines' });
  });

  it('resumes page-number pagination with a request for page 3', async () => {
    const params = settings(api);
    const before = api.requests.length;
    const page = await httpConnector.pullPage(params, { dataType: 'invoices', cursor: JSON.stringify({ type: 'page', page: 3 }) });
    expect(ids(page.records)).toEqual(expectedIds.slice(10, 15));
    expect(api.requests[before]!.query).toEqual({ page: '3', pageSize: '5' });
  });

  it('refuses a cursor from another pagination style, or that is not its own', async () => {
    const params = settings(api);
    const wrongStyle = await failure(httpConnector.pullPage(params, { dataType: 'invoices', cursor: JSON.stringify({ type: 'offset', offset: 5 }) }));
    expect(wrongStyle).toMatchObject({ kind: 'malformed', message: expect.stringContaining('start a new pull') });
    expect((await failure(httpConnector.pullPage(params, { dataType: 'invoices', cursor: '5' }))).kind).toBe('malformed');
  });

  it('offers only the data types the connection configures', async () => {
    const params = settings(api);
    expect(httpConnector.dataTypesOf!(params)).toEqual(['customers', 'invoices']);
    const error = await failure(httpConnector.pullPage(params, { dataType: 'bills', cursor: null }));
    expect(error).toMatchObject({ kind: 'notSupported', message: expect.stringContaining('bills') });
    const customers = await pullAll(params, 'customers');
    expect(customers.records).toHaveLength(N);
    expect(createConnectorRegistry().get('http')).toBe(httpConnector);
  });
});

describe('http connector: auth', () => {
  const cases: [string, SandboxApiOptions['auth'], HttpSettings['auth'], string][] = [
    ['bearer', { type: 'bearer', token: 'b3arer-t0ken' }, { type: 'bearer', token: 'b3arer-t0ken' }, 'bearer'],
    ['basic', { type: 'basic', username: 'ada', password: 'pa55word!' }, { type: 'basic', username: 'ada', password: 'pa55word!' }, 'basic'],
    ['API key header', { type: 'apiKey', header: 'X-Api-Key', apiKey: 'k3y-k3y-k3y' }, { type: 'apiKey', header: 'X-Api-Key', apiKey: 'k3y-k3y-k3y' }, 'apiKey'],
  ];

  it.each(cases)('reads everything with %s credentials, and maps wrong ones to auth without leaking them', async (_name, serverAuth, auth, kind) => {
    const api = await serve({ auth: serverAuth });
    const { records } = await pullAll(settings(api, { auth }));
    expect(records).toHaveLength(N);
    expect(api.requests.every((r) => r.auth === kind && r.status === 200)).toBe(true);

    const wrong = { ...auth, ...(auth!.type === 'basic' ? { password: 'wr0ng-pa55' } : auth!.type === 'bearer' ? { token: 'wr0ng-t0ken' } : { apiKey: 'wr0ng-k3y' }) } as HttpSettings['auth'];
    const error = await failure(httpConnector.pullPage(settings(api, { auth: wrong }), { dataType: 'invoices', cursor: null }));
    expect(error.kind).toBe('auth');
    expect(error.message).toBe(`Pulling invoices: GET ${api.url}/invoices?page=1&pageSize=5 answered 401 Unauthorized (missing or invalid credentials): the source rejected the connection's credentials; re-link the connection`);
    expect(error.message).not.toMatch(/wr0ng|pa55|t0ken|k3y/);
  });

  it('sends no credentials without auth, and the source answers 401 to that', async () => {
    const api = await serve({ auth: { type: 'bearer', token: 'needed-token' } });
    expect((await failure(httpConnector.pullPage(settings(api), { dataType: 'invoices', cursor: null }))).kind).toBe('auth');
    expect(api.requests[0]!.auth).toBe('none');
  });

  it.each(['basic', 'body'] as const)('gets an OAuth2 client-credentials token (client authentication: %s) once and reuses it', async (clientAuthentication) => {
    const api = await serve({ auth: { type: 'oauth2ClientCredentials', clientId: `client-${clientAuthentication}`, clientSecret: 's3cret s3cret' } });
    const auth = { type: 'oauth2ClientCredentials', tokenUrl: `${api.url}/oauth/token`, clientId: `client-${clientAuthentication}`, clientSecret: 's3cret s3cret', clientAuthentication } as const;
    const { records } = await pullAll(settings(api, { auth }));
    expect(records).toHaveLength(N);
    expect(api.requests.filter((r) => r.path === '/oauth/token').map((r) => [r.method, r.status, r.auth])).toEqual([['POST', 200, clientAuthentication === 'basic' ? 'basic' : 'none']]);
    expect(api.requests.filter((r) => r.path === '/invoices').every((r) => r.auth === 'bearer' && r.status === 200)).toBe(true);
  });

  it('fetches a new token when the cached one has expired', async () => {
    const api = await serve({ auth: { type: 'oauth2ClientCredentials', clientId: 'expiring', clientSecret: 'expiring-secret', tokenTtlSeconds: 1 } });
    const params = settings(api, { auth: { type: 'oauth2ClientCredentials', tokenUrl: `${api.url}/oauth/token`, clientId: 'expiring', clientSecret: 'expiring-secret' } });
    const first = await httpConnector.pullPage(params, { dataType: 'invoices', cursor: null });
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    const second = await httpConnector.pullPage(params, { dataType: 'invoices', cursor: first.nextCursor });
    expect(ids(second.records)).toEqual(expectedIds.slice(5, 10));
    expect(api.requests.filter((r) => r.path === '/oauth/token')).toHaveLength(2);
    expect(api.requests.filter((r) => r.status === 401)).toHaveLength(0);
  });

  it('retries once with a fresh token after a 401, and reports auth when the client itself is rejected', async () => {
    const api = await serve({ auth: { type: 'oauth2ClientCredentials', clientId: 'revoked', clientSecret: 'revoked-secret' } });
    const params = settings(api, { auth: { type: 'oauth2ClientCredentials', tokenUrl: `${api.url}/oauth/token`, clientId: 'revoked', clientSecret: 'revoked-secret' } });
    const first = await httpConnector.pullPage(params, { dataType: 'invoices', cursor: null });
    api.revokeTokens();
    const second = await httpConnector.pullPage(params, { dataType: 'invoices', cursor: first.nextCursor });
    expect(second.records).toHaveLength(PAGE);
    expect(api.requests.map((r) => `${r.path} ${r.status}`)).toEqual(['/oauth/token 200', '/invoices 200', '/invoices 401', '/oauth/token 200', '/invoices 200']);

    const wrongSecret = settings(api, { auth: { type: 'oauth2ClientCredentials', tokenUrl: `${api.url}/oauth/token`, clientId: 'revoked', clientSecret: 'not-the-secret' } });
    const error = await failure(httpConnector.pullPage(wrongSecret, { dataType: 'invoices', cursor: null }));
    expect(error.kind).toBe('auth');
    expect(error.message).toContain(`the access token request POST ${api.url}/oauth/token answered 401 Unauthorized (invalid_client: client authentication failed)`);
    expect(error.message).not.toContain('not-the-secret');
  });
});

describe('http connector: incremental pulls', () => {
  it.each(['iso', 'unixMillis', 'unixSeconds'] as const)('sends modifiedSince (%s) and reads only records changed since', async (format) => {
    const api = await serve();
    const params = settings(api, { incremental: { param: 'modifiedSince', format } });
    const since = new Date(Math.floor(Date.now() / 1000) * 1000 - 1000).toISOString();
    api.touch('invoices', 'inv-000003', { status: 'Void' });
    api.touch('invoices', 'inv-000017');
    const { records, pages } = await pullAll(params, 'invoices', { cursor: null, modifiedSince: since });
    expect(ids(records)).toEqual(['inv-000003', 'inv-000017']);
    expect(records[0]!.data.status).toBe('Void');
    expect(pages[0]!.totalRecords).toBe(2);
    const sent = api.requests.at(-1)!.query.modifiedSince;
    expect(sent).toBe(format === 'iso' ? since : format === 'unixMillis' ? String(Date.parse(since)) : String(Date.parse(since) / 1000));
    // A full pull (no modifiedSince) still reads everything, without the deleted record.
    api.remove('invoices', 'inv-000010');
    expect(ids((await pullAll(params)).records)).toEqual(expectedIds.filter((id) => id !== 'inv-000010'));
  });
});

describe('http connector: upstream failures', () => {
  let api: SandboxApi;
  beforeAll(async () => {
    api = await serve({ auth: { type: 'bearer', token: 'secret-bearer-token' } });
  });
  const params = () => settings(api, { auth: { type: 'bearer', token: 'secret-bearer-token' } });
  const pageTwo = () => JSON.stringify({ type: 'page', page: 2 });

  const faults: [string, Parameters<SandboxApi['setFaults']>[0], Partial<UpstreamError>, RegExp][] = [
    ['rateLimited', [{ kind: 'rateLimited', retryAfterSeconds: 7 }], { kind: 'rateLimited', options: { retryAfterMs: 7_000 } } as Partial<UpstreamError>, /answered 429 Too Many Requests \(rate limit exceeded\): the source is rate limiting this connection; it asked to wait 7 s before trying again$/],
    ['serverError', [{ kind: 'serverError', status: 502 }], { kind: 'unavailable' }, /answered 502 Bad Gateway \(the server could not answer\): the source is failing or down, usually for a while only; Sluice retries with backoff before giving up$/],
    ['malformed', [{ kind: 'malformed' }], { kind: 'malformed' }, /answered 200 with a body that is not valid JSON/],
    ['auth', [{ kind: 'auth' }], { kind: 'auth' }, /answered 401 Unauthorized .*re-link the connection/],
    ['permission', [{ kind: 'permission' }], { kind: 'permission' }, /answered 403 Forbidden .*may not read invoices; grant access/],
  ];

  it.each(faults)('maps %s to the right UpstreamError with a message naming the request', async (_name, plan, expected, message) => {
    api.setFaults(plan);
    const error = await failure(httpConnector.pullPage(params(), { dataType: 'invoices', cursor: pageTwo() }));
    expect(error).toMatchObject(expected);
    expect(error.message).toMatch(message);
    expect(error.message.startsWith(`Pulling invoices: GET ${api.url}/invoices?page=2&pageSize=5 answered`)).toBe(true);
    expect(error.message).not.toContain('secret-bearer-token');
    api.setFaults([]);
  });

  it('applies a fault from its page on, and only `times` times', async () => {
    api.setFaults([{ kind: 'serverError', afterPages: 1, times: 1 }]);
    await expect(httpConnector.pullPage(params(), { dataType: 'invoices', cursor: null })).resolves.toBeDefined();
    expect((await failure(httpConnector.pullPage(params(), { dataType: 'invoices', cursor: pageTwo() }))).kind).toBe('unavailable');
    await expect(httpConnector.pullPage(params(), { dataType: 'invoices', cursor: pageTwo() })).resolves.toMatchObject({ records: expect.any(Array) });
    api.setFaults([]);
  });

  it('gives up on a source that stalls longer than timeoutMs: unavailable', async () => {
    api.setFaults([{ kind: 'timeout', delayMs: 5_000 }]);
    const started = Date.now();
    const error = await failure(httpConnector.pullPage(settings(api, { auth: { type: 'bearer', token: 'secret-bearer-token' }, timeoutMs: 200 }), { dataType: 'invoices', cursor: null }));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error.kind).toBe('unavailable');
    expect(error.message).toBe(`Pulling invoices: GET ${api.url}/invoices?page=1&pageSize=5 did not answer within 200 ms: the source is slow or down; if it is just slow, raise the connection's timeoutMs`);
    api.setFaults([]);
  });

  it('passes a cancelled pull through as the cancellation, not as an upstream failure', async () => {
    api.setFaults([{ kind: 'timeout', delayMs: 5_000 }]);
    const controller = new AbortController();
    const reason = new Error('pull cancelled');
    setTimeout(() => controller.abort(reason), 50);
    await expect(httpConnector.pullPage(params(), { dataType: 'invoices', cursor: null, signal: controller.signal })).rejects.toBe(reason);
    api.setFaults([]);
  });

  it('calls a body without the configured records or ids malformed, saying which setting to check', async () => {
    const wrongRecords = settings(api, { auth: { type: 'bearer', token: 'secret-bearer-token' }, dataTypes: { invoices: { path: '/invoices', recordsPath: 'data.items' } } });
    expect(await failure(httpConnector.pullPage(wrongRecords, { dataType: 'invoices', cursor: null }))).toMatchObject({
      kind: 'malformed',
      message: expect.stringMatching(/answered 200, but `data.items` is not a list of records \(it is missing\); check recordsPath for invoices$/),
    });
    const wrongId = settings(api, { auth: { type: 'bearer', token: 'secret-bearer-token' }, dataTypes: { invoices: { path: '/invoices', recordsPath: 'results', idField: 'invoiceId' } } });
    expect(await failure(httpConnector.pullPage(wrongId, { dataType: 'invoices', cursor: null }))).toMatchObject({
      kind: 'malformed',
      message: expect.stringMatching(/record 1 of the page has no id at `invoiceId` \(it is missing\); check idField for invoices$/),
    });
  });

  it('calls other 4xx answers malformed and unreachable sources unavailable', async () => {
    const wrongPath = settings(api, { auth: { type: 'bearer', token: 'secret-bearer-token' }, dataTypes: { invoices: { path: '/v9/invoices', recordsPath: 'results' } } });
    expect(await failure(httpConnector.pullPage(wrongPath, { dataType: 'invoices', cursor: null }))).toMatchObject({
      kind: 'malformed',
      message: expect.stringContaining('answered 404 Not Found (no such resource: /v9/invoices): the source has no such resource; check the connection'),
    });
    const gone = await serve();
    const unreachable = settings(gone);
    await gone.close();
    expect(await failure(httpConnector.pullPage(unreachable, { dataType: 'invoices', cursor: null }))).toMatchObject({
      kind: 'unavailable',
      message: expect.stringMatching(/failed: the source could not be reached \(.*ECONNREFUSED.*\); check the connection's baseUrl/),
    });
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('http connector: parameters', () => {
  const base = { baseUrl: 'https://api.example.com/v2', dataTypes: { invoices: { path: '/invoices' } }, pagination: { type: 'offset' } };
  const problems = (value: object) => {
    const result = httpConnector.parameters.safeParse(value);
    return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('fills defaults and accepts every auth and pagination style', () => {
    expect(httpConnector.parameters.parse(base)).toMatchObject({ auth: { type: 'none' }, timeoutMs: 30_000, pagination: { type: 'offset', offsetParam: 'offset', limitParam: 'limit', limit: 100 }, dataTypes: { invoices: { recordsPath: '', idField: 'id' } } });
    expect(problems({ ...base, auth: { type: 'oauth2ClientCredentials', tokenUrl: 'https://auth.example.com/token', clientId: 'id', clientSecret: 'secret' } })).toEqual([]);
  });

  it('refuses credentials outside `auth`, unknown data types and half-set page sizes', () => {
    expect(problems({ ...base, headers: { Authorization: 'Bearer x' } })).toEqual([expect.stringContaining('headers: must not set Authorization')]);
    expect(problems({ ...base, baseUrl: 'https://user:pass@api.example.com' })).toEqual([expect.stringContaining('baseUrl: must not carry credentials')]);
    expect(problems({ ...base, baseUrl: 'ftp://api.example.com' })).toHaveLength(1);
    expect(problems({ ...base, baseUrl: 'https://api.example.com/v2?key=abc' })).toEqual([expect.stringContaining('baseUrl: must not have a query')]);
    expect(problems({ ...base, dataTypes: { invoicez: { path: '/x' } } })).toContainEqual(expect.stringContaining('invoicez'));
    expect(problems({ ...base, dataTypes: {} })).toEqual(['dataTypes: configure at least one data type']);
    expect(problems({ ...base, pagination: { type: 'cursor', pageSize: 10 } })).toEqual(['pagination.pageSize: set pageSizeParam and pageSize together']);
    expect(problems({ ...base, extra: 1 })).toHaveLength(1);
  });
});

describe('http connector: record times', () => {
  it('reads ISO times (zone-less as UTC) and unix seconds or milliseconds', () => {
    expect(toIsoTime('2026-03-01T10:00:00')).toBe('2026-03-01T10:00:00.000Z');
    expect(toIsoTime('2026-03-01T10:00:00+01:00')).toBe('2026-03-01T09:00:00.000Z');
    expect(toIsoTime('2026-03-01')).toBe('2026-03-01T00:00:00.000Z');
    expect(toIsoTime(1_772_359_200)).toBe('2026-03-01T10:00:00.000Z');
    expect(toIsoTime(1_772_359_200_000)).toBe('2026-03-01T10:00:00.000Z');
    expect(toIsoTime(null)).toBeNull();
    expect(toIsoTime('last tuesday')).toBeUndefined();
  });
});

describe('http connector: keeping credentials with the source', () => {
  it('follows neither redirects nor next links to another host', async () => {
    const server = createServer((req, res) => {
      if (req.url?.startsWith('/moved')) {
        res.writeHead(301, { location: 'http://elsewhere.invalid/invoices' }).end();
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results: [{ id: 'a' }], next: 'http://elsewhere.invalid/invoices?page=2' }));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const params = (path: string) =>
        httpConnector.parameters.parse({ baseUrl: url, dataTypes: { invoices: { path, recordsPath: 'results' } }, pagination: { type: 'nextUrl' }, auth: { type: 'bearer', token: 'keep-me-home' } });
      expect(await failure(httpConnector.pullPage(params('/moved'), { dataType: 'invoices', cursor: null }))).toMatchObject({
        kind: 'malformed',
        message: `Pulling invoices: GET ${url}/moved answered 301 Moved Permanently to http://elsewhere.invalid/invoices: Sluice does not follow redirects with the connection's credentials; update the connection's baseUrl or path`,
      });
      expect(await failure(httpConnector.pullPage(params('/invoices'), { dataType: 'invoices', cursor: null }))).toMatchObject({
        kind: 'malformed',
        message: expect.stringContaining(`the next page link points to http://elsewhere.invalid, not to the connection's ${url}`),
      });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
