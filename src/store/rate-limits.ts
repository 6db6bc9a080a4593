import type { Db } from './database.js';

/** Request counts per client and window, shared by every API process. */
export class RateLimitStore {
  constructor(private readonly db: Db) {}

  /** Counts one request in the window and returns the window's count so far, atomically. */
  async hit(clientId: string, windowStart: string): Promise<number> {
    const { requests } = await this.db
      .insertInto('rate_limit_windows')
      .values({ client_id: clientId, window_start: windowStart, requests: 1 })
      .onConflict((oc) => oc.columns(['client_id', 'window_start']).doUpdateSet((eb) => ({ requests: eb('rate_limit_windows.requests', '+', 1) })))
      .returning('requests')
      .executeTakeFirstOrThrow();
    if (requests === 1) {
      // A new window: the client's older ones are done with.
      await this.db.deleteFrom('rate_limit_windows').where('client_id', '=', clientId).where('window_start', '<', windowStart).execute();
    }
    return requests;
  }
}
