import type { Db } from './database.js';

/** Fixed-window request counts per bucket (an API client, an upstream connection), shared by every process. */
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
}
