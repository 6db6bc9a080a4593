import { z } from 'zod';
import { SANDBOX_DATA_TYPES } from './records.js';

// Fault injection for the sandbox, written once and used by both of its faces: the in-process connector
// (faults become UpstreamErrors directly) and the sandbox HTTP server (faults become real HTTP answers that the
// HTTP connector has to interpret). A plan is a list of faults; for each request the first fault that matches
// it, and still has `times` left, fires.

export const FAULT_KINDS = ['rateLimited', 'serverError', 'timeout', 'malformed', 'auth', 'permission'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const faultSchema = z
  .object({
    /**
     * rateLimited: 429 with Retry-After; serverError: a 5xx; timeout: the answer stalls for `delayMs`; malformed: a
     * body that is not valid JSON; auth: 401 as if the credentials were revoked; permission: 403.
     */
    kind: z.enum(FAULT_KINDS),
    /** Only requests for these data types (default: all). */
    dataTypes: z.array(z.enum(SANDBOX_DATA_TYPES)).min(1).optional(),
    /** The 0-based page index from which the fault applies: 1 serves the first page and fails from the second. */
    afterPages: z.number().int().min(0).default(0),
    /** How many matching requests fail before the fault lets them through (default: every one fails). */
    times: z.number().int().min(1).optional(),
    /** rateLimited: the Retry-After to announce, in seconds. */
    retryAfterSeconds: z.number().int().min(0).max(86_400).default(1),
    /** serverError: the status to answer with. */
    status: z.number().int().min(500).max(599).default(503),
    /** timeout: how long the server stalls before answering (the in-process connector fails at once). */
    delayMs: z.number().int().min(0).max(600_000).default(60_000),
    /** Replaces the error text the fault would otherwise produce. */
    message: z.string().min(1).max(1_000).optional(),
  })
  .strict();

export const faultPlanSchema = z.array(faultSchema).max(100);

export type Fault = z.output<typeof faultSchema>;
export type FaultPlan = z.output<typeof faultPlanSchema>;
/** A plan as written: every field but `kind` optional. */
export type FaultPlanInput = z.input<typeof faultPlanSchema>;

/**
 * Decides, per request for one page of one data type, which fault of a plan fires, and counts each fault's
 * `times`. It holds only a counter per fault, so it costs nothing per record or per page.
 */
export class FaultInjector {
  #plan: FaultPlan = [];
  #fired: number[] = [];

  constructor(plan: FaultPlanInput = []) {
    this.setPlan(plan);
  }

  get plan(): FaultPlan {
    return this.#plan;
  }

  /** Replaces the plan (validated) and starts its counters afresh. */
  setPlan(plan: FaultPlanInput): void {
    this.#plan = faultPlanSchema.parse(plan);
    this.#fired = this.#plan.map(() => 0);
  }

  /** The fault to inflict on this request, if any; a fault that fires uses up one of its `times`. */
  next(dataType: string, pageIndex: number): Fault | null {
    for (const [i, fault] of this.#plan.entries()) {
      if (fault.dataTypes && !(fault.dataTypes as readonly string[]).includes(dataType)) continue;
      if (pageIndex < fault.afterPages) continue;
      if (fault.times !== undefined && this.#fired[i]! >= fault.times) continue;
      this.#fired[i]! += 1;
      return fault;
    }
    return null;
  }
}
