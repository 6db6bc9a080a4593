// A separate writer process for the concurrency tests: commits the same page of records `rounds` times, in a
// random order each time, to one pull operation, as a stale attempt racing its retry would. Prints how many
// of its commits won the checkpoint. Usage: commit-pages.ts <databaseUrl> <pullOperationId> <rounds>
import { CheckpointConflictError, openStore } from '../../src/store/index.js';

const [databaseUrl, pullOperationId, rounds] = process.argv.slice(2) as [string, string, string];
const store = await openStore(databaseUrl, { poolSize: 2 });
let committed = 0;
try {
  const now = new Date().toISOString();
  const page = Array.from({ length: 500 }, (_, i) => ({
    sourceId: `inv-${i}`,
    data: JSON.stringify({ id: `inv-${i}`, writer: process.pid, round: 0 }),
    sourceModifiedDate: now,
  }));
  for (let round = 0; round < Number(rounds); round++) {
    const shuffled = [...page].sort(() => Math.random() - 0.5).map((r) => ({ ...r, data: r.data.replace('"round":0', `"round":${round}`) }));
    const pull = (await store.pullOperations.getById(pullOperationId))!;
    // Two commits in flight per process, as two activities of one worker could be; both saw the same checkpoint.
    const outcomes = await Promise.allSettled(
      [0, 1].map(() =>
        store.pullOperations.commitPage(pull, { records: shuffled, checkpoint: String(round), pagesBefore: pull.pages_committed, highWaterMark: now, progress: null }),
      ),
    );
    for (const outcome of outcomes) {
      if (outcome.status === 'fulfilled') committed += 1;
      else if (!(outcome.reason instanceof CheckpointConflictError)) throw outcome.reason;
    }
  }
  console.log(`committed ${committed}`);
} finally {
  await store.close();
}
