import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorMessage } from '../src/api/errors.js';
import type { PullOperation } from '../src/api/wire.js';
import { hashApiKey } from '../src/services/api-keys.js';
import { eventually, type Harness, startHarness } from './support/harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('authentication', () => {
  const path = () => `/companies/${h.tenant.companyId}/dataStatus`;

  it('answers 401 with an ErrorMessage and a correlation id when no key is sent', async () => {
    const res = await h.request<ErrorMessage>('GET', path(), { apiKey: null });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Basic');
    expect(res.body).toEqual({
      statusCode: 401,
      service: 'PublicApi',
      error: expect.stringContaining('Unauthorized'),
      correlationId: res.headers.get('x-correlation-id'),
      validation: null,
      canBeRetried: 'False',
      detailedErrorCode: 0,
    });
  });

  it('answers 401 for a wrong key, a malformed header and a bearer token', async () => {
    expect((await h.request('GET', path(), { apiKey: 'not-a-key' })).status).toBe(401);
    for (const authorization of ['Basic', 'Basic !!!', `Bearer ${h.tenant.apiKey}`, h.tenant.apiKey]) {
      const res = await fetch(`${h.baseUrl}${path()}`, { headers: { Authorization: authorization } });
      expect(res.status, authorization).toBe(401);
    }
  });

  it('accepts the key Base64-encoded, as Codat clients send it', async () => {
    expect((await h.request('GET', path())).status).toBe(200);
  });

  it('stores keys only as hashes', async () => {
    const rows = await h.store.db.selectFrom('api_keys').select('key_hash').execute();
    expect(rows.map((r) => r.key_hash)).toContain(hashApiKey(h.tenant.apiKey));
    expect(JSON.stringify(rows)).not.toContain(h.tenant.apiKey);
  });

  it('echoes a correlation id the caller sends', async () => {
    const res = await fetch(`${h.baseUrl}${path()}`, { headers: { 'X-Correlation-Id': 'trace-123' } });
    expect(res.headers.get('x-correlation-id')).toBe('trace-123');
    expect(((await res.json()) as ErrorMessage).correlationId).toBe('trace-123');
  });
});

describe('tenancy', () => {
  it("answers 404 for another client's company and pull operations", async () => {
    const other = await h.addTenant();
    const queued = await h.request<PullOperation>('POST', `/companies/${other.companyId}/data/queue/customers`, { apiKey: other.apiKey });
    expect(queued.status).toBe(200);
    await eventually(
      () => h.request<PullOperation>('GET', `/companies/${other.companyId}/data/history/${queued.body.id}`, { apiKey: other.apiKey }),
      (r) => r.body.status === 'Complete',
    );

    // The first tenant's key sees none of it, whichever path it tries.
    const asFirst = { apiKey: h.tenant.apiKey };
    const attempts = [
      await h.request<ErrorMessage>('GET', `/companies/${other.companyId}/dataStatus`, asFirst),
      await h.request<ErrorMessage>('POST', `/companies/${other.companyId}/data/queue/customers`, asFirst),
      await h.request<ErrorMessage>('GET', `/companies/${other.companyId}/data/history/${queued.body.id}`, asFirst),
      await h.request<ErrorMessage>('GET', `/companies/${h.tenant.companyId}/data/history/${queued.body.id}`, asFirst),
      await h.request<ErrorMessage>('POST', `/companies/${h.tenant.companyId}/data/queue/customers?connectionId=${other.connectionId}`, asFirst),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(404);
      expect(res.body.statusCode).toBe(404);
    }
  });
});
