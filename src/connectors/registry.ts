import type { Connector } from './connector.js';
import { httpConnector } from './http/index.js';
import { sandboxConnector } from './sandbox/index.js';

/** The connectors a worker can run, by `platformKey`. Adding an integration means adding it here. */
export type ConnectorRegistry = ReadonlyMap<string, Connector>;

export const DEFAULT_CONNECTORS: readonly Connector[] = [sandboxConnector as Connector, httpConnector as Connector];

export function createConnectorRegistry(connectors: readonly Connector[] = DEFAULT_CONNECTORS): ConnectorRegistry {
  return new Map(connectors.map((c) => [c.platformKey, c]));
}
