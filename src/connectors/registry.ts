import type { Connector } from './connector.js';
import { sandboxConnector } from './sandbox/index.js';

/** The connectors a worker can run, by `platformKey`. Adding an integration means adding it here. */
export type ConnectorRegistry = ReadonlyMap<string, Connector>;

export function createConnectorRegistry(connectors: readonly Connector[] = [sandboxConnector as Connector]): ConnectorRegistry {
  return new Map(connectors.map((c) => [c.platformKey, c]));
}
