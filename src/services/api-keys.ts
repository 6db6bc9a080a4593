import { createHash, randomBytes } from 'node:crypto';
import type { Store } from '../store/index.js';

/** A new random API key: 256 bits, URL-safe. */
export function generateApiKey(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Keys are stored as their SHA-256. A fast hash is the right tool here (as for GitHub's tokens): the keys are
 * random and long, so there is nothing for a slow password hash to protect against, and lookups stay O(1).
 */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

/** Creates a client (tenant) with one API key. The key is returned once and never stored. */
export async function createClientWithApiKey(store: Store, clientName: string, keyName = 'default') {
  const client = await store.tenants.createClient(clientName);
  const apiKey = generateApiKey();
  await store.tenants.addApiKey(client.id, hashApiKey(apiKey), keyName);
  return { client, apiKey };
}

export function authenticate(store: Store, apiKey: string) {
  return store.tenants.findClientByKeyHash(hashApiKey(apiKey));
}
