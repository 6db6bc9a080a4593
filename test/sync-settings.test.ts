import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorMessage } from '../src/api/errors.js';
import { ClientSyncSettingsSchema, CompanySyncSettingsSchema, PullOperationsSchema } from '../src/api/contract/models.js';
import { DATA_TYPES, defaultSyncSettings, type SyncSetting } from '../src/domain/index.js';
import { eventually, type Harness, startHarness, type Tenant } from './support/harness.js';

let h: Harness;
let tenant: Tenant;
let other: Tenant;

beforeAll(async () => {
  h = await startHarness();
  // Slow enough that concurrent requests overlap with running pulls.
  tenant = await h.addTenant({ recordsPerDataType: 20, pageSize: 10, latencyMs: 300 });
  other = await h.addTenant();
});
afterAll(async () => {
  await h?.close();
});

const as = (who: Tenant) => ({ apiKey: who.apiKey });
const only = (fetch: string[]): SyncSetting[] =>
  defaultSyncSettings().map((s) => ({ ...s, fetchOnFirstLink: fetch.includes(s.dataType), syncOrder: fetch.includes(s.dataType) ? 100 - fetch.indexOf(s.dataType) : s.syncOrder }));

describe('sync settings', () => {
  it('gives a client the defaults until it sets its own, then its own', async () => {
    const initial = ClientSyncSettingsSchema.parse((await h.request('GET', '/profile/syncSettings', as(tenant))).body);
    expect(initial).toMatchObject({ clientId: tenant.clientId, overridesDefaults: false });
    expect(initial.settings.map((s) => s.dataType)).toEqual([...DATA_TYPES]);

    const settings = only(['invoices', 'customers', 'balanceSheet']);
    expect((await h.request('POST', '/profile/syncSettings', { ...as(tenant), body: { clientId: tenant.clientId, settings } })).status).toBe(204);
    const saved = ClientSyncSettingsSchema.parse((await h.request('GET', '/profile/syncSettings', as(tenant))).body);
    expect(saved).toMatchObject({ overridesDefaults: true, settings });
    // Another client still has the defaults.
    expect((await h.request<{ overridesDefaults: boolean }>('GET', '/profile/syncSettings', as(other))).body.overridesDefaults).toBe(false);
  });

  it("lets a company inherit its client's settings, override them, and go back", async () => {
    const path = `/companies/${tenant.companyId}/syncSettings`;
    const inherited = CompanySyncSettingsSchema.parse((await h.request('GET', path, as(tenant))).body);
    expect(inherited.overridesDefaults).toBe(false);
    expect(inherited.settings.filter((s) => s.fetchOnFirstLink).map((s) => s.dataType).sort()).toEqual(['balanceSheet', 'customers', 'invoices']);

    const own = only(['bills', 'payments', 'invoices']);
    expect((await h.request('POST', path, { ...as(tenant), body: { companyId: tenant.companyId, settings: own } })).status).toBe(204);
    expect(CompanySyncSettingsSchema.parse((await h.request('GET', path, as(tenant))).body)).toMatchObject({ overridesDefaults: true, settings: own });

    await h.request('POST', path, { ...as(tenant), body: { companyId: tenant.companyId, settings: [], overridesDefaults: false } });
    expect((await h.request<{ overridesDefaults: boolean }>('GET', path, as(tenant))).body.overridesDefaults).toBe(false);
    await h.request('POST', path, { ...as(tenant), body: { companyId: tenant.companyId, settings: own } });
  });

  it.each([
    ['a duplicated data type', (s: SyncSetting[]) => [...s, s[0]!]],
    ['both syncFromUtc and syncFromWindow', (s: SyncSetting[]) => [{ ...s[0]!, syncFromUtc: '2024-01-01T00:00:00Z', syncFromWindow: 6 }]],
    ['an unknown data type', () => [{ dataType: 'unicorns', fetchOnFirstLink: true, syncSchedule: 24, syncOrder: 0 }]],
    ['a negative schedule', (s: SyncSetting[]) => [{ ...s[0]!, syncSchedule: -1 }]],
  ])('rejects settings with %s', async (_what, make) => {
    const res = await h.request<ErrorMessage>('POST', `/companies/${tenant.companyId}/syncSettings`, {
      ...as(tenant),
      body: { companyId: tenant.companyId, settings: make(defaultSyncSettings()) },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/^Invalid request\. body\.settings/);
  });

  it("rejects a body naming another company or client, and hides another client's company", async () => {
    const settings = defaultSyncSettings();
    expect((await h.request('POST', `/companies/${tenant.companyId}/syncSettings`, { ...as(tenant), body: { companyId: other.companyId, settings } })).status).toBe(400);
    expect((await h.request('POST', '/profile/syncSettings', { ...as(tenant), body: { clientId: other.clientId, settings } })).status).toBe(400);
    expect((await h.request('GET', `/companies/${other.companyId}/syncSettings`, as(tenant))).status).toBe(404);
    expect((await h.request('POST', `/companies/${other.companyId}/syncSettings`, { ...as(tenant), body: { companyId: other.companyId, settings } })).status).toBe(404);
  });
});

describe('POST /companies/{companyId}/data/all', () => {
  it('queues every fetch-on-first-link type the connections support, in syncOrder, and joins pulls already running', async () => {
    // The company's own settings (set above) fetch bills, payments and invoices; the sandbox supports all three.
    const [first, second] = await Promise.all([
      h.request('POST', `/companies/${tenant.companyId}/data/all`, as(tenant)),
      h.request('POST', `/companies/${tenant.companyId}/data/all`, as(tenant)),
    ]);
    expect([first.status, second.status]).toEqual([204, 204]);
    expect(first.body).toBeUndefined();

    const history = await eventually(
      async () => PullOperationsSchema.parse((await h.request('GET', `/companies/${tenant.companyId}/data/history?orderBy=requested`, as(tenant))).body),
      (page) => page.results.length >= 3 && page.results.every((p) => p.status === 'Complete'),
    );
    // One pull per type, even though data/all was called twice at once, started in syncOrder (the settings give
    // invoices 98, payments 99, bills 100) as far as prerequisites allow: payments waits for invoices to complete,
    // so bills, next in line, starts alongside invoices (which of the two is recorded first is a race).
    const order = history.results.map((p) => p.dataType);
    expect(order.slice(0, 2).sort()).toEqual(['bills', 'invoices']);
    expect(order[2]).toBe('payments');
    const byType = new Map(history.results.map((p) => [p.dataType, p]));
    expect(byType.get('payments')!.requested >= byType.get('invoices')!.completed!).toBe(true);
    expect(history.totalResults).toBe(3);
  });

  it("answers 404 for another client's company", async () => {
    expect((await h.request('POST', `/companies/${other.companyId}/data/all`, as(tenant))).status).toBe(404);
  });

  it('queues nothing for a company without linked connections', async () => {
    const company = await h.request<{ id: string }>('POST', '/companies', { ...as(tenant), body: { name: 'Unlinked Ltd' } });
    expect((await h.request('POST', `/companies/${company.body.id}/data/all`, as(tenant))).status).toBe(204);
    expect(PullOperationsSchema.parse((await h.request('GET', `/companies/${company.body.id}/data/history`, as(tenant))).body).totalResults).toBe(0);
  });
});
