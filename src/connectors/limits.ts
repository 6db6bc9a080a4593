import { z } from 'zod';

/** The `limits` any connector's parameters may carry (see `UpstreamLimits`). */
export const upstreamLimitsSchema = z
  .object({
    maxConcurrentPulls: z.number().int().min(1).max(1_000).optional(),
    requestsPerSecond: z.number().positive().max(100_000).optional(),
  })
  .strict();
