import { DefaultLogger, Runtime } from '@temporalio/worker';

let installed = false;

/** Keeps the SDK's chatter (including the warnings that the failure tests provoke on purpose) out of test output; errors still show. Once per process. */
export function quietTemporalRuntime(): void {
  if (installed) return;
  installed = true;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
}
