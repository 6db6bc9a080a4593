import type { z } from 'zod';
import type { DataType } from '../domain/index.js';

// The connector contract. An integration is one module that exports a `Connector` and is listed in
// registry.ts; nothing else in Sluice changes. See "Writing a connector" in README.md.

/** One record as a source returns it: its id at the source, when it last changed there, and its fields. */
export interface SourceRecord {
  id: string;
  modifiedDate: string | null;
  data: Record<string, unknown>;
}

export interface PageRequest {
  dataType: DataType;
  /** Where to continue: null for the first page, otherwise a `nextCursor` this connector returned. */
  cursor: string | null;
  /**
   * Incremental pulls only: return records modified at or after this instant (ISO-8601). Sluice passes the
   * high-water mark of the last successful pull, and only to connectors with `capabilities.incremental`.
   * Records at the boundary may come again; writes are idempotent, so that is harmless.
   */
  modifiedSince?: string | undefined;
  /** Aborted when the pull is cancelled or its activity times out: pass it to every request. */
  signal?: AbortSignal | undefined;
}

export interface Page {
  records: SourceRecord[];
  /** Opaque to Sluice; stored as the pull's checkpoint, and handed back to resume. Null on the last page. */
  nextCursor: string | null;
  /** How many records the whole pull will bring, when the source can tell; drives `progress`. */
  totalRecords?: number | undefined;
}

export interface ConnectorCapabilities {
  /** Honours `PageRequest.modifiedSince`. Without it every pull is a full pull. */
  incremental: boolean;
  /** Fills `Page.totalRecords`. Without it progress is estimated from the previous pull. */
  totals: boolean;
}

/** What Sluice enforces on one connection, across every worker, to protect the source. Unset: no cap. */
export interface UpstreamLimits {
  /** Pulls of this connection running at once (a further pull waits for a slot). */
  maxConcurrentPulls?: number | undefined;
  /** Page requests per second to this connection. */
  requestsPerSecond?: number | undefined;
}

/**
 * An integration. A connector is stateless between calls: everything it needs to reach one source arrives as
 * that connection's parameters, validated by `parameters`. It pages by returning a cursor that Sluice commits
 * with the page's records, so a pull interrupted anywhere resumes at the page after the last committed one.
 * Upstream failures are thrown as `UpstreamError`s (errors.ts), whose kind decides retry and pull status;
 * anything else thrown counts as a bug in the connector (InternalError).
 */
export interface Connector<Params = unknown> {
  /** The `platformKey` connections name to use this connector. */
  readonly platformKey: string;
  /** Shown to users, e.g. `Sandbox`, `Xero`. */
  readonly platformName: string;
  readonly sourceType: 'Accounting' | 'Banking' | 'Commerce' | 'Other';
  /** The data types it can pull from any connection; `dataTypesOf` may narrow that per connection. */
  readonly dataTypes: readonly DataType[];
  readonly capabilities: ConnectorCapabilities;
  readonly parameters: z.ZodType<Params>;
  /** The data types one connection offers; defaults to `dataTypes`. */
  dataTypesOf?(params: Params): readonly DataType[];
  /** The caps to enforce on one connection, usually from its parameters. */
  limits?(params: Params): UpstreamLimits;
  pullPage(params: Params, request: PageRequest): Promise<Page>;
}
