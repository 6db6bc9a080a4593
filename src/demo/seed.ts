import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createClientWithApiKey } from '../services/api-keys.js';
import type { Store } from '../store/index.js';

export interface DemoTenant {
  clientId: string;
  apiKey: string;
  companyId: string;
  connectionId: string;
}

/**
 * Makes sure the embedded default has a client, an API key, a company and a sandbox connection to try things
 * with. The key is stored hashed like any other, so its one plain copy lives in the data folder (mode 0600)
 * for the start banner to print.
 */
export async function ensureDemoTenant(store: Store, dataDir: string): Promise<DemoTenant> {
  const file = join(dataDir, 'demo-tenant.json');
  const existing = await readFile(file, 'utf8').then((text) => JSON.parse(text) as DemoTenant, () => undefined);
  if (existing && (await store.companies.getCompany(existing.clientId, existing.companyId))) return existing;

  const { client, apiKey } = await createClientWithApiKey(store, 'Demo client', 'demo');
  const company = await store.companies.createCompany(client.id, 'Demo Company Ltd', 'Seeded by npm start');
  const connection = await store.companies.createConnection(company, 'sandbox', { recordsPerDataType: 1_000, latencyMs: 100 });
  const demo: DemoTenant = { clientId: client.id, apiKey, companyId: company.id, connectionId: connection.id };
  await writeFile(file, `${JSON.stringify(demo, null, 2)}\n`, { mode: 0o600 });
  return demo;
}
