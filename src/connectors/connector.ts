import type { z } from 'zod';
import type { DataType } from '../domain/index.js';

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
  signal?: AbortSignal;
}

export interface Page {
  records: SourceRecord[];
  /** Opaque to Sluice; stored as the pull's checkpoint. Null on the last page. */
  nextCursor: string | null;
  /** How many records the whole pull will bring, when the source can tell; drives `progress`. */
  totalRecords?: number;
}

/**
 * An integration. A connector is stateless: everything it needs to reach one source arrives as that
 * connection's parameters, validated by `parameters`. Upstream failures are thrown as `UpstreamError`s.
 */
export interface Connector<Params = unknown> {
  /** The `platformKey` connections name to use this connector. */
  readonly platformKey: string;
  /** Shown to users, e.g. `Sandbox`, `Xero`. */
  readonly platformName: string;
  readonly sourceType: 'Accounting' | 'Banking' | 'Commerce' | 'Other';
  readonly dataTypes: readonly DataType[];
  readonly parameters: z.ZodType<Params>;
  pullPage(params: Params, request: PageRequest): Promise<Page>;
}
