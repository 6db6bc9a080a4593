// The scope refresh API (seed 000): POST /refresh/{scope}, authenticated by a session cookie carrying an API
// key or by a Bearer JWT service token (shared secret, or keys from a JWKS URL served here over loopback).
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { ErrorMessage } from '../src/api/errors.js';
import { RefreshResponseSchema } from '../src/api/contract/models.js';
import type { RefreshCompanyResult } from '../src/domain/index.js';
import { type Harness, startHarness, type Tenant } from './support/harness.js';

type RefreshResponse = z.output<typeof RefreshResponseSchema>;
const SECRET = 'a-shared-secret-of-at-least-32-characters!';
let h: Harness;
let tenant: Tenant;
let other: Tenant;

beforeAll(async () => {
  h = await startHarness({ serviceToken: { secret: SECRET, audience: 'sluice' } });
  tenant = await h.addTenant();
  other = await h.addTenant();
});
afterAll(async () => {
  await h?.close();
});

const trigger = (scope: string, body?: object, who: Tenant = tenant) =>
  h.request<RefreshResponse & ErrorMessage>('POST', `/refresh/${encodeURIComponent(scope)}`, { apiKey: who.apiKey, ...(body && { body }) });

function token(claims: Record<string, unknown>, { secret = SECRET, expiresIn = '5m' as string | null, audience = 'sluice' } = {}) {
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setAudience(audience);
  if (expiresIn) jwt = jwt.setExpirationTime(expiresIn);
  return jwt.sign(new TextEncoder().encode(secret));
}

async function withHeaders(path: string, headers: Record<string, string>) {
  return fetch(`${h.baseUrl}${path}`, { method: 'POST', headers });
}

describe('POST /refresh/{scope}', () => {
  it('refreshes a company: every fetch-on-first-link type its connections support', async () => {
    const res = await trigger(`company:${tenant.companyId}`);
    expect(res.status).toBe(202);
    const body = RefreshResponseSchema.parse(res.body);
    expect(body).toMatchObject({ scope: `company:${tenant.companyId}`, status: 'Enqueued' });
    // A refreshCompany run starts the pulls as its concurrency allows; none is known when it is enqueued.
    expect(body.pullOperations).toEqual([]);
    const result = (await h.temporal.workflow.getHandle(`refresh-company/${tenant.companyId}`).result()) as RefreshCompanyResult;
    expect(result.outcomes.map((o) => o.dataType).sort()).toEqual(['bills', 'chartOfAccounts', 'customers', 'invoices', 'payments', 'suppliers']);
  });

  it('refreshes one data type of a company, or the ones the request names', async () => {
    const one = await trigger(`company:${tenant.companyId}:invoices`);
    expect(one.status).toBe(202);
    expect(one.body.pullOperations.map((p) => p.dataType)).toEqual(['invoices']);
    const some = await trigger(`company:${tenant.companyId}`, { dataTypes: ['bills', 'payments'] });
    expect(some.body.pullOperations.map((p) => p.dataType)).toEqual(['bills', 'payments']);
  });

  it('refreshes a connection as a job', async () => {
    const res = await trigger(`connection:${tenant.connectionId}`);
    expect(res.status).toBe(202);
    expect(res.body.jobId).toBeDefined();
    expect((await h.request('GET', `/api/v1/jobs/${res.body.jobId}`, { apiKey: tenant.apiKey })).status).toBe(200);
  });

  it.each([
    ['nonsense', undefined],
    ['company:', undefined],
    ['team:42', undefined],
    ['company:abc:unicorns', undefined],
    ['company:abc:invoices:extra', undefined],
    ['connection:abc', { dataTypes: ['invoices'] }],
    ['company:abc', { dataTypes: [] }],
    ['company:abc', { dataTypes: ['unicorns'] }],
  ])('answers 400 for scope %j with body %j', async (scope, body) => {
    const res = await trigger(scope, body);
    expect(res.status).toBe(400);
    expect(res.body.statusCode).toBe(400);
  });

  it("answers 404 for an unknown company or connection, and for another client's", async () => {
    expect((await trigger('company:00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await trigger(`company:${other.companyId}`)).status).toBe(404);
    expect((await trigger(`connection:${other.connectionId}`)).status).toBe(404);
  });
});

describe('session cookie and service tokens', () => {
  const path = () => `/refresh/${encodeURIComponent(`company:${tenant.companyId}:customers`)}`;

  it('accepts the API key in the session cookie', async () => {
    expect((await withHeaders(path(), { Cookie: `theme=dark; sluice_session=${tenant.apiKey}` })).status).toBe(202);
    expect((await withHeaders(path(), { Cookie: 'sluice_session=wrong' })).status).toBe(401);
  });

  it('accepts a valid service token for the client it names', async () => {
    const res = await withHeaders(path(), { Authorization: `Bearer ${await token({ sub: tenant.clientId })}` });
    expect(res.status).toBe(202);
    // The token's client is the tenant: another client's company stays invisible.
    const theirs = await withHeaders(`/refresh/company:${other.companyId}`, { Authorization: `Bearer ${await token({ sub: tenant.clientId })}` });
    expect(theirs.status).toBe(404);
  });

  it.each([
    ['expired', () => token({ sub: tenant.clientId }, { expiresIn: '-1m' })],
    ['without an expiry', () => token({ sub: tenant.clientId }, { expiresIn: null })],
    ['for another audience', () => token({ sub: tenant.clientId }, { audience: 'someone-else' })],
    ['signed with another secret', () => token({ sub: tenant.clientId }, { secret: 'another-secret-that-is-32-characters-long' })],
    ['naming no client', () => token({ sub: 'nobody' })],
    ['unsigned', async () => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: tenant.clientId, aud: 'sluice', exp: 4e9 })).toString('base64url')}.`],
  ])('rejects a token %s', async (_what, make) => {
    expect((await withHeaders(path(), { Authorization: `Bearer ${await make()}` })).status).toBe(401);
  });
});

describe('service tokens verified with a JWKS URL', () => {
  let jwks: Server;
  let withJwks: Harness;
  type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  let privateKey: PrivateKey;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const publicJwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = createServer((_req, res) => res.setHeader('Content-Type', 'application/json').end(JSON.stringify({ keys: [publicJwk] })));
    jwks.listen(0, '127.0.0.1');
    await once(jwks, 'listening');
    const { port } = jwks.address() as { port: number };
    withJwks = await startHarness({ serviceToken: { jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`, audience: 'sluice', issuer: 'https://issuer.example' } });
  });
  afterAll(async () => {
    await withJwks?.close();
    jwks?.close();
  });

  const sign = (key: PrivateKey, issuer = 'https://issuer.example') =>
    new SignJWT({ sub: withJwks.tenant.clientId }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setAudience('sluice').setIssuer(issuer).setExpirationTime('5m').sign(key);

  it('accepts a token signed by a key the JWKS publishes, and nothing else', async () => {
    const url = `${withJwks.baseUrl}/refresh/${encodeURIComponent(`company:${withJwks.tenant.companyId}:invoices`)}`;
    const post = async (jwt: string) => (await fetch(url, { method: 'POST', headers: { Authorization: `Bearer ${jwt}` } })).status;
    expect(await post(await sign(privateKey))).toBe(202);
    expect(await post(await sign((await generateKeyPair('RS256')).privateKey))).toBe(401);
    expect(await post(await sign(privateKey, 'https://impostor.example'))).toBe(401);
  });
});
