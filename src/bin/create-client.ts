// Creates a client (tenant) and an API key, printed once: `npm run create-client -- "Acme Ltd" [--demo-company]`.
// With --demo-company it also creates a company with a sandbox connection to try refreshes on.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/index.js';
import { createClientWithApiKey } from '../services/api-keys.js';
import { openStore } from '../store/index.js';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { 'demo-company': { type: 'boolean', default: false } } });
const name = positionals[0];
if (!name) {
  console.error('usage: create-client <client name> [--demo-company]');
  process.exit(2);
}

const config = loadConfig();
const store = await openStore(config.databaseUrl);
try {
  const { client, apiKey } = await createClientWithApiKey(store, name);
  console.log(`client id:  ${client.id}`);
  console.log(`API key:    ${apiKey}   (shown once; store it now)`);
  console.log(`header:     Authorization: Basic ${Buffer.from(apiKey).toString('base64')}`);
  if (values['demo-company']) {
    const company = await store.companies.createCompany(client.id, `${name} demo company`);
    const connection = await store.companies.createConnection(company, 'sandbox', {});
    console.log(`company id: ${company.id}`);
    console.log(`connection: ${connection.id} (sandbox)`);
  }
} finally {
  await store.close();
}
