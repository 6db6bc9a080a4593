import { sql } from 'kysely';
import type { Db } from './database.js';

/** Request counting and pacing, shared by every process: API clients' windows, upstream connections' spacing. */
export class RateLimitStore {
  constructor(private readonly db: Db) {}

  /** Counts one request in the window and returns the window's count so far, atomically. */
  async hit(bucket: string, windowStart: string): Promise<number> {
    const { requests } = await this.db
      .insertInto('request_windows')
      .values({ bucket, window_start: windowStart, requests: 1 })
      .onConflict((oc) => oc.columns(['bucket', 'window_start']).doUpdateSet((eb) => ({ requests: eb('request_windows.requests', '+', 1) })))
      .returning('requests')
      .executeTakeFirstOrThrow();
    if (requests === 1) {
      // A new window: the bucket's older ones are done with.
      await this.db.deleteFrom('request_windows').where('bucket', '=', bucket).where('window_start', '<', windowStart).execute();
    }
    return requests;
  }

  /**
   * Reserves the next request slot of a bucket spaced `intervalMs` after the previous one, atomically, and
   * returns when (epoch ms) that slot starts: now, or later if others reserved ahead.
   */
  async reserveSlot(bucket: string, intervalMs: number, nowMs = Date.now()): Promise<number> {
    const next = nowMs + intervalMs;
    const { next_at_ms } = await this.db
      .insertInto('request_pacing')
      .values({ bucket, next_at_ms: next })
      .onConflict((oc) =>
        oc.column('bucket').doUpdateSet({
          next_at_ms: sql<number>`case when request_pacing.next_at_ms > ${nowMs} then request_pacing.next_at_ms else ${nowMs} end + ${intervalMs}`,
        }),
      )
      .returning('next_at_ms')
      .executeTakeFirstOrThrow();
    return Number(next_at_ms) - intervalMs;
  }
}
