import type { Db } from './database.js';

/** The registry of each company's Temporal Schedules (ids only; Temporal holds the schedules). */
export class ScheduleStore {
  constructor(private readonly db: Db) {}

  async idsOf(companyId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('company_schedules').select('schedule_id').where('company_id', '=', companyId).orderBy('schedule_id').execute();
    return rows.map((r) => r.schedule_id);
  }

  async register(companyId: string, scheduleIds: readonly string[]): Promise<void> {
    if (scheduleIds.length === 0) return;
    const created_at = new Date().toISOString();
    await this.db
      .insertInto('company_schedules')
      .values(scheduleIds.map((schedule_id) => ({ company_id: companyId, schedule_id, created_at })))
      .onConflict((oc) => oc.columns(['company_id', 'schedule_id']).doNothing())
      .execute();
  }

  async forget(companyId: string, scheduleIds: readonly string[]): Promise<void> {
    if (scheduleIds.length === 0) return;
    await this.db.deleteFrom('company_schedules').where('company_id', '=', companyId).where('schedule_id', 'in', scheduleIds).execute();
  }

  /** The client's companies that follow the client's sync settings (have none of their own). */
  async companiesFollowingClient(clientId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('companies')
      .leftJoin('company_sync_settings', 'company_sync_settings.company_id', 'companies.id')
      .select('companies.id')
      .where('companies.client_id', '=', clientId)
      .where('company_sync_settings.company_id', 'is', null)
      .orderBy('companies.created_at')
      .execute();
    return rows.map((r) => r.id);
  }
}
