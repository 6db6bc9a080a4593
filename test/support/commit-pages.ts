// A separate writer process for the concurrency tests: commits the same page of records `rounds` times, in a
// random order each time, to one pull operation. Usage: commit-pages.ts <databaseUrl> <pullOperationId> <rounds>
import { openStore } from '../../src/store/index.js';

const [databaseUrl, pullOperationId, rounds] = process.argv.slice(2) as [string, string, string];
const store = await openStore(databaseUrl, { poolSize: 2 });
try {
  const pull = (await store.pullOperations.getById(pullOperationId))!;
  const now = new Date().toISOString();
  const page = Array.from({ length: 500 }, (_, i) => ({
    company_id: pull.company_id,
    connection_id: pull.connection_id,
    data_type: pull.data_type,
    source_id: `inv-${i}`,
    data: JSON.stringify({ id: `inv-${i}`, writer: process.pid }),
    source_modified_date: now,
    pull_operation_id: pullOperationId,
    created_at: now,
    updated_at: now,
  }));
  for (let round = 0; round < Number(rounds); round++) {
    const shuffled = [...page].sort(() => Math.random() - 0.5);
    // Two commits in flight per process, as two activities of one worker could be.
    await Promise.all([0, 1].map(() => store.pullOperations.commitPage(pullOperationId, { records: shuffled, checkpoint: String(round), progress: 0 })));
  }
} finally {
  await store.close();
}
