import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding package.json, whether this module runs from src/ or from the build in dist/. */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

const projectCli = join(projectRoot(), '.temporal', 'bin', 'temporal');

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds the Temporal CLI in the order scripts/provision-temporal.mjs documents: an explicit path, then
 * `temporal` on PATH, then the copy `npm install` provisioned into .temporal/bin.
 */
export function resolveTemporalCli(explicitPath: string | undefined = process.env.TEMPORAL_CLI_PATH): string {
  if (explicitPath) {
    if (!isExecutable(explicitPath)) throw new Error(`TEMPORAL_CLI_PATH=${explicitPath} is not an executable file`);
    return explicitPath;
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, 'temporal'))) return join(dir, 'temporal');
  }
  if (isExecutable(projectCli)) return projectCli;
  throw new Error(
    'The Temporal CLI is not installed. Run `npm install` (it provisions the pinned CLI into .temporal/bin), ' +
      'set TEMPORAL_CLI_PATH, or set TEMPORAL_ADDRESS to use an existing Temporal server.',
  );
}
