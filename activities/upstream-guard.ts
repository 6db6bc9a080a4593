import type { UpstreamLimits } from '../src/connectors/connector.js';
import type { Store } from '../src/store/index.js';

// A lease outlives a few missed renewals, and a crashed worker's slot frees itself soon after.
const SLOT_LEASE_MS = 60_000;
const SLOT_POLL_MS = 1_000;

export interface UpstreamGuardContext {
  store: Store;
  connectionId: string;
  pullOperationId: string;
  limits: UpstreamLimits;
  /** Cancellation-aware sleep (the activity's). */
  sleep(ms: number): Promise<void>;
  /** Called while waiting, so the activity keeps heartbeating and the pull says why it is idle. */
  onWait(reason: string): Promise<void>;
}

/**
 * Enforces a connection's caps across every worker: at most `maxConcurrentPulls` pulls hold a slot, and page
 * requests go out at most `requestsPerSecond`, spaced by reservations in the store (no bursts at window edges).
 */
export class UpstreamGuard {
  private holdsSlot = false;

  constructor(private readonly ctx: UpstreamGuardContext) {}

  /** Waits for a pull slot, if the connection caps concurrent pulls. */
  async enter(): Promise<void> {
    const slots = this.ctx.limits.maxConcurrentPulls;
    if (!slots) return;
    let waited = false;
    while (!(await this.takeSlot(slots))) {
      if (!waited) await this.ctx.onWait(`Waiting for a free pull slot on this connection (at most ${slots} at once)`);
      waited = true;
      await this.ctx.sleep(SLOT_POLL_MS);
    }
    this.holdsSlot = true;
    if (waited) await this.ctx.onWait('');
  }

  /** Renews the slot lease; call at least every few seconds while pulling. */
  async renew(): Promise<void> {
    const slots = this.ctx.limits.maxConcurrentPulls;
    if (slots && this.holdsSlot) await this.takeSlot(slots);
  }

  /** Waits for this request's turn: requests to a capped source go out evenly spaced, whichever worker sends them. */
  async beforeRequest(): Promise<void> {
    const rate = this.ctx.limits.requestsPerSecond;
    if (!rate) return;
    const startAt = await this.ctx.store.rateLimits.reserveSlot(`connection:${this.ctx.connectionId}`, Math.ceil(1_000 / rate));
    const wait = startAt - Date.now();
    if (wait > 0) await this.ctx.sleep(wait);
  }

  async leave(): Promise<void> {
    if (this.holdsSlot) await this.ctx.store.pullSlots.release(this.ctx.connectionId, this.ctx.pullOperationId);
    this.holdsSlot = false;
  }

  private takeSlot(slots: number): Promise<boolean> {
    const expiresAt = new Date(Date.now() + SLOT_LEASE_MS).toISOString();
    return this.ctx.store.pullSlots.acquire(this.ctx.connectionId, slots, this.ctx.pullOperationId, expiresAt);
  }
}
