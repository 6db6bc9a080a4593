import { STATUS_CODES } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { Connector, Page, PageRequest } from '../connector.js';
import { UpstreamError } from '../errors.js';
import { upstreamLimitsSchema } from '../limits.js';
import { type Fault, FaultInjector, faultPlanSchema } from './faults.js';
import { isSandboxDataType, SANDBOX_DATA_TYPES, sandboxRecord } from './records.js';

const sandboxParameters = z
  .object({
    /** Different seeds give different (but each stable) data sets. */
    seed: z.string().default('sandbox'),
    /** Records of each data type. Pages are made on demand, so millions cost no more memory than a page. */
    recordsPerDataType: z.number().int().min(0).max(100_000_000).default(250),
    pageSize: z.number().int().min(1).max(5_000).default(100),
    /** Delay before each page, like a remote API. */
    latencyMs: z.number().int().min(0).max(60_000).default(0),
    /**
     * Make pulls fail, for trying out error handling (see faults.ts). A fault's `times` is counted per worker
     * process and per set of parameters: connections with identical parameters share the count, and a retry that
     * lands on another worker starts from zero there.
     */
    faults: faultPlanSchema.optional(),
    limits: upstreamLimitsSchema.optional(),
  })
  .strict();

export type SandboxParameters = z.infer<typeof sandboxParameters>;
/** What a connection may set: every field optional, defaults filled in on use. */
export type SandboxSettings = z.input<typeof sandboxParameters>;

function parseOffset(cursor: string | null): number {
  if (cursor === null) return 0;
  const offset = Number(cursor);
  if (!Number.isSafeInteger(offset) || offset < 0) throw new UpstreamError('malformed', `Invalid sandbox cursor "${cursor}"`);
  return offset;
}

// The fault counters of this process, by the parameters they belong to. Bounded, oldest dropped first: a
// dropped plan starts counting afresh, which only matters to plans with `times`.
const injectors = new Map<string, FaultInjector>();
const MAX_INJECTORS = 1_000;

function injectorFor(params: SandboxParameters): FaultInjector | null {
  if (!params.faults?.length) return null;
  const key = JSON.stringify(params);
  let injector = injectors.get(key);
  if (!injector) {
    if (injectors.size >= MAX_INJECTORS) injectors.delete(injectors.keys().next().value!);
    injector = new FaultInjector(params.faults);
    injectors.set(key, injector);
  }
  return injector;
}

/** What a fault looks like to Sluice when the source is in-process: the error a real connector would throw. */
function faultError(fault: Fault, dataType: string, pageIndex: number): UpstreamError {
  const where = `the sandbox's ${dataType} page ${pageIndex + 1}`;
  switch (fault.kind) {
    case 'rateLimited':
      return new UpstreamError('rateLimited', fault.message ?? `Reading ${where} answered 429 Too Many Requests: the source is rate limiting this connection; retry after ${fault.retryAfterSeconds} s`, {
        retryAfterMs: fault.retryAfterSeconds * 1000,
      });
    case 'serverError':
      return new UpstreamError('unavailable', fault.message ?? `Reading ${where} answered ${fault.status} ${STATUS_CODES[fault.status] ?? 'Server Error'}: the source is failing or down`);
    case 'timeout':
      return new UpstreamError('unavailable', fault.message ?? `Reading ${where} timed out: the source did not answer in time`);
    case 'malformed':
      return new UpstreamError('malformed', fault.message ?? `Reading ${where} answered with a body that is not valid JSON (Unexpected end of JSON input)`);
    case 'auth':
      return new UpstreamError('auth', fault.message ?? `Reading ${where} answered 401 Unauthorized: the source rejected the connection's credentials; re-link the connection`);
    case 'permission':
      return new UpstreamError('permission', fault.message ?? `Reading ${where} answered 403 Forbidden: the connection's credentials may not read ${dataType}; grant access at the source`);
  }
}

/** A built-in source of deterministic, realistic accounting data, paged like a real API. */
export const sandboxConnector: Connector<SandboxParameters> = {
  platformKey: 'sandbox',
  platformName: 'Sandbox',
  sourceType: 'Accounting',
  dataTypes: SANDBOX_DATA_TYPES,
  // Its data never changes between pulls, so every pull reads it all (and detects no deletions).
  capabilities: { incremental: false, totals: true },
  parameters: sandboxParameters,
  limits: (params) => params.limits ?? {},

  async pullPage(params: SandboxParameters, request: PageRequest): Promise<Page> {
    const dataType = request.dataType;
    if (!isSandboxDataType(dataType)) throw new UpstreamError('notSupported', `The sandbox does not offer ${dataType}`);
    if (params.latencyMs > 0) await sleep(params.latencyMs, undefined, { signal: request.signal });

    const offset = parseOffset(request.cursor);
    const fault = injectorFor(params)?.next(dataType, Math.floor(offset / params.pageSize));
    if (fault) throw faultError(fault, dataType, Math.floor(offset / params.pageSize));

    const volume = params.recordsPerDataType;
    const end = Math.min(offset + params.pageSize, volume);
    const records = [];
    for (let index = offset; index < end; index++) records.push(sandboxRecord(params.seed, dataType, index, volume));
    return { records, nextCursor: end < volume ? String(end) : null, totalRecords: volume };
  },
};
