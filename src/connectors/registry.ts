import type { DataType } from '../domain/index.js';
import type { Connector } from './connector.js';
import { httpConnector } from './http/index.js';
import { sandboxConnector } from './sandbox/index.js';

/** The connectors a worker can run, by `platformKey`. Adding an integration means adding it here. */
export type ConnectorRegistry = ReadonlyMap<string, Connector>;

export const DEFAULT_CONNECTORS: readonly Connector[] = [sandboxConnector as Connector, httpConnector as Connector];

export function createConnectorRegistry(connectors: readonly Connector[] = DEFAULT_CONNECTORS): ConnectorRegistry {
  return new Map(connectors.map((c) => [c.platformKey, c]));
}

/**
 * The data types one connection offers: its connector's, narrowed by the connection's parameters. Invalid
 * parameters give the connector's full list, so that a pull starts and fails saying what is wrong with them.
 */
export function offeredDataTypes(registry: ConnectorRegistry, connection: { platform_key: string; parameters: string }): readonly DataType[] {
  const connector = registry.get(connection.platform_key);
  if (!connector) return [];
  const params = connector.parameters.safeParse(JSON.parse(connection.parameters));
  return params.success ? (connector.dataTypesOf?.(params.data) ?? connector.dataTypes) : connector.dataTypes;
}
