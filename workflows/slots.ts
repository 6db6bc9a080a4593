import { condition } from '@temporalio/workflow';

/** A counting semaphore for workflow code: deterministic, since it waits on workflow state only. */
export class Slots {
  private used = 0;

  constructor(private readonly size: number) {}

  async acquire(): Promise<void> {
    // Several waiters can see the same free slot in one activation: each checks again before taking it.
    while (this.used >= this.size) await condition(() => this.used < this.size);
    this.used += 1;
  }

  release(): void {
    this.used -= 1;
  }

  /** Runs `work` holding a slot. */
  async with<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }
}
