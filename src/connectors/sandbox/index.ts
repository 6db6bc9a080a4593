import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { DataType } from '../../domain/index.js';
import type { Connector, Page, PageRequest } from '../connector.js';
import { UpstreamError } from '../errors.js';
import { createRandom, hashString } from './random.js';
import { RECORD_FACTORIES } from './records.js';

const SUPPORTED = Object.keys(RECORD_FACTORIES) as (keyof typeof RECORD_FACTORIES & DataType)[];

const sandboxParameters = z
  .object({
    /** Different seeds give different (but each stable) data sets. */
    seed: z.string().default('sandbox'),
    /** Records of each data type. */
    recordsPerDataType: z.number().int().min(0).max(100_000_000).default(250),
    pageSize: z.number().int().min(1).max(5_000).default(100),
    /** Delay before each page, like a remote API. */
    latencyMs: z.number().int().min(0).max(60_000).default(0),
    /** Make pulls fail, for trying out error handling. */
    failure: z
      .object({
        message: z.string().min(1),
        kind: z.enum(['auth', 'permission', 'notSupported', 'rateLimited', 'unavailable', 'malformed']).default('malformed'),
        /** Fail only these data types (default: all). */
        dataTypes: z.array(z.enum(SUPPORTED)).optional(),
        /** Serve this many pages successfully first. */
        afterPages: z.number().int().min(0).default(0),
      })
      .strict()
      .optional(),
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

/** A built-in source of deterministic, realistic accounting data, paged like a real API. */
export const sandboxConnector: Connector<SandboxParameters> = {
  platformKey: 'sandbox',
  platformName: 'Sandbox',
  sourceType: 'Accounting',
  dataTypes: SUPPORTED,
  parameters: sandboxParameters,

  async pullPage(params: SandboxParameters, request: PageRequest): Promise<Page> {
    const factory = RECORD_FACTORIES[request.dataType as keyof typeof RECORD_FACTORIES];
    if (!factory) throw new UpstreamError('notSupported', `The sandbox does not offer ${request.dataType}`);
    if (params.latencyMs > 0) await sleep(params.latencyMs, undefined, { signal: request.signal });

    const offset = parseOffset(request.cursor);
    const failure = params.failure;
    if (
      failure &&
      (!failure.dataTypes || failure.dataTypes.includes(request.dataType as (typeof SUPPORTED)[number])) &&
      offset >= failure.afterPages * params.pageSize
    ) {
      throw new UpstreamError(failure.kind, failure.message);
    }

    const volume = params.recordsPerDataType;
    const end = Math.min(offset + params.pageSize, volume);
    const baseSeed = hashString(`${params.seed}/${request.dataType}`);
    const records = [];
    for (let index = offset; index < end; index++) {
      records.push(factory({ index, volume, random: createRandom(baseSeed ^ hashString(String(index))) }));
    }
    return { records, nextCursor: end < volume ? String(end) : null, totalRecords: volume };
  },
};
