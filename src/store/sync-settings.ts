import { defaultSyncSettings, type SyncSetting } from '../domain/index.js';
import type { Db } from './database.js';

/** Sync settings lists, stored whole. Validation happens before they get here. */
export class SyncSettingsStore {
  constructor(private readonly db: Db) {}

  /** What applies to a company: its own settings, else its client's, else the defaults. */
  async effective(clientId: string, companyId: string): Promise<{ settings: SyncSetting[]; own: boolean }> {
    const own = await this.forCompany(companyId);
    if (own) return { settings: own, own: true };
    return { settings: (await this.forClient(clientId)) ?? defaultSyncSettings(), own: false };
  }

  async forClient(clientId: string): Promise<SyncSetting[] | undefined> {
    const row = await this.db.selectFrom('client_sync_settings').select('settings').where('client_id', '=', clientId).executeTakeFirst();
    return row && (JSON.parse(row.settings) as SyncSetting[]);
  }

  async forCompany(companyId: string): Promise<SyncSetting[] | undefined> {
    const row = await this.db.selectFrom('company_sync_settings').select('settings').where('company_id', '=', companyId).executeTakeFirst();
    return row && (JSON.parse(row.settings) as SyncSetting[]);
  }

  async setForClient(clientId: string, settings: readonly SyncSetting[]): Promise<void> {
    const row = { client_id: clientId, settings: JSON.stringify(settings), updated_at: new Date().toISOString() };
    await this.db
      .insertInto('client_sync_settings')
      .values(row)
      .onConflict((oc) => oc.column('client_id').doUpdateSet({ settings: row.settings, updated_at: row.updated_at }))
      .execute();
  }

  /** `undefined` removes the company's own settings, so that the client's apply again. */
  async setForCompany(companyId: string, settings: readonly SyncSetting[] | undefined): Promise<void> {
    if (!settings) {
      await this.db.deleteFrom('company_sync_settings').where('company_id', '=', companyId).execute();
      return;
    }
    const row = { company_id: companyId, settings: JSON.stringify(settings), updated_at: new Date().toISOString() };
    await this.db
      .insertInto('company_sync_settings')
      .values(row)
      .onConflict((oc) => oc.column('company_id').doUpdateSet({ settings: row.settings, updated_at: row.updated_at }))
      .execute();
  }
}
