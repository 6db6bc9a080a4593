import { defaultSyncSettings, type SyncSetting } from '../domain/index.js';
import type { Store } from '../store/index.js';
import { InvalidRequestError, NotFoundError } from './errors.js';
import type { ScheduleService } from './schedule-service.js';

/** The settings that apply to a company: its own, else its client's, else the defaults. */
export function effectiveSyncSettings(store: Store, clientId: string, companyId: string): Promise<{ settings: SyncSetting[]; own: boolean }> {
  return store.syncSettings.effective(clientId, companyId);
}

/** Codat's client-wide (`/profile/syncSettings`) and per-company sync settings. */
export class SyncSettingsService {
  constructor(
    private readonly store: Store,
    /** Keeps companies' Temporal Schedules in step with their settings; unset, settings change nothing in Temporal. */
    private readonly schedules?: ScheduleService,
  ) {}

  async getForClient(clientId: string) {
    const stored = await this.store.syncSettings.forClient(clientId);
    return { clientId, settings: stored ?? defaultSyncSettings(), overridesDefaults: stored !== undefined };
  }

  async setForClient(clientId: string, body: { clientId: string; settings: SyncSetting[] }): Promise<void> {
    if (body.clientId !== clientId) throw new InvalidRequestError(`clientId ${body.clientId} is not the client of this API key`);
    await this.store.syncSettings.setForClient(clientId, body.settings);
    await this.schedules?.syncClient(clientId);
  }

  async getForCompany(clientId: string, companyId: string) {
    await this.requireCompany(clientId, companyId);
    const { settings, own } = await effectiveSyncSettings(this.store, clientId, companyId);
    return { companyId, settings, overridesDefaults: own };
  }

  /** With `overridesDefaults: false` the company goes back to its client's settings. */
  async setForCompany(clientId: string, companyId: string, body: { companyId: string; settings: SyncSetting[]; overridesDefaults: boolean }): Promise<void> {
    await this.requireCompany(clientId, companyId);
    if (body.companyId !== companyId) throw new InvalidRequestError(`companyId ${body.companyId} in the body does not match the path`);
    await this.store.syncSettings.setForCompany(companyId, body.overridesDefaults ? body.settings : undefined);
    await this.schedules?.syncCompany(clientId, companyId);
  }

  private async requireCompany(clientId: string, companyId: string) {
    if (!(await this.store.companies.getCompany(clientId, companyId))) throw new NotFoundError(`No company was found with ID ${companyId}`);
  }
}
