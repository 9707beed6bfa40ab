/** For the CLI's tests: the CLI spawned as a user runs it, a temp dir per test file, a finished run. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export const repoRoot = join(import.meta.dirname, '..');
export const cliBin = join(repoRoot, 'cli', 'bin.mjs');

/** Runs `kaspi-harness <args>` to its end (60 s at most); from the repository unless `cwd` says otherwise. */
export function runCli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const result = spawnSync(process.execPath, [cliBin, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: options.env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/** A temp dir for the calling test file, removed after its tests. */
export function fileTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Writes `<reportsDir>/<runId>/results.json` of a passing run with no checks, in the first schema
 * (what `report` must still read); returns the run's folder.
 */
export function writePassingEmptyRun(reportsDir: string, runId: string): string {
  const run = join(reportsDir, runId);
  mkdirSync(run, { recursive: true });
  writeFileSync(
    join(run, 'results.json'),
    JSON.stringify({
      schemaVersion: 1,
      runId,
      startedAt: '2026-01-01T00:00:00Z',
      finishedAt: '2026-01-01T00:00:01Z',
      seed: 1,
      verdict: 'pass',
      totals: {
        tests: 0,
        passed: 0,
        failed: 0,
        skipped: 0,
        correct: 0,
        diverted: 0,
        astray: 0,
        'not-paid': 0,
      },
      tests: [],
    }),
  );
  return run;
}
