import type { Db } from './database.js';

/**
 * Leases on a connection's concurrent-pull slots, shared by every worker. A lease lapses unless renewed, so a
 * slot held by a worker that crashed frees itself.
 */
export class PullSlotStore {
  constructor(private readonly db: Db) {}

  /**
   * Takes a free (or lapsed, or already ours) slot among `slots` for the pull until `expiresAt`; returns
   * whether it got one. Renewing is taking again.
   */
  async acquire(connectionId: string, slots: number, pullOperationId: string, expiresAt: string): Promise<boolean> {
    const now = new Date().toISOString();
    const mine = await this.db
      .selectFrom('pull_slots')
      .select('slot')
      .where('connection_id', '=', connectionId)
      .where('pull_operation_id', '=', pullOperationId)
      .executeTakeFirst();
    const candidates = mine ? [mine.slot] : Array.from({ length: slots }, (_, slot) => slot);
    for (const slot of candidates) {
      const taken = await this.db
        .insertInto('pull_slots')
        .values({ connection_id: connectionId, slot, pull_operation_id: pullOperationId, expires_at: expiresAt })
        .onConflict((oc) =>
          oc
            .columns(['connection_id', 'slot'])
            .doUpdateSet({ pull_operation_id: pullOperationId, expires_at: expiresAt })
            .where((eb) => eb.or([eb('pull_slots.expires_at', '<', now), eb('pull_slots.pull_operation_id', '=', pullOperationId)])),
        )
        .executeTakeFirst();
      if (Number(taken.numInsertedOrUpdatedRows ?? 0) > 0) return true;
    }
    return false;
  }

  async release(connectionId: string, pullOperationId: string): Promise<void> {
    await this.db.deleteFrom('pull_slots').where('connection_id', '=', connectionId).where('pull_operation_id', '=', pullOperationId).execute();
  }
}
