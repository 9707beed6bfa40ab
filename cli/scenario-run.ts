/**
 * Runs the scenario suites in a vitest child process, with the run's id, seed and team classes
 * passed through the environment that the global setup and the reporter read.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { newRunId } from '../stack/run-dir.ts';

export interface ScenarioRunOptions {
  seed?: number;
  phpClassesDir?: string;
  /** vitest name filter (`-t`). */
  filter?: string;
  /** Scenario files to run (all of `scenarios/*.test.ts` when absent). */
  files?: string[];
  reportsDir?: string;
  quiet?: boolean;
}

export const repoRoot = join(import.meta.dirname, '..');

export function checkPhpClassesDir(dir: string): string {
  const absolute = resolve(dir);
  if (!existsSync(absolute) || !statSync(absolute).isDirectory()) {
    throw new Error(`--php-classes ${dir}: no such directory (give the team's local/classes tree)`);
  }
  return absolute;
}

export async function runScenarios(options: ScenarioRunOptions): Promise<number> {
  const runId = newRunId();
  const env: NodeJS.ProcessEnv = { ...process.env, KASPI_HARNESS_RUN_ID: runId };
  if (options.seed !== undefined) env.KASPI_HARNESS_SEED = String(options.seed);
  if (options.phpClassesDir) env.KASPI_HARNESS_PHP_CLASSES = checkPhpClassesDir(options.phpClassesDir);
  if (options.reportsDir) env.KASPI_HARNESS_REPORTS_DIR = resolve(options.reportsDir);
  if (options.quiet) env.KASPI_HARNESS_QUIET = '1';
  // Phase 6 is one file: one stack is enough.
  env.KASPI_HARNESS_STACKS ??= '1';
  const args = ['run', '--project', 'scenarios', '--reporter', options.quiet ? 'dot' : 'default'];
  args.push('--reporter', './scenarios/report/reporter.ts');
  if (options.filter) args.push('-t', options.filter);
  if (options.files) args.push(...options.files);
  const vitest = join(repoRoot, 'node_modules', '.bin', 'vitest');
  const child = spawn(vitest, args, { cwd: repoRoot, env, stdio: 'inherit' });
  // Ctrl-C reaches the child through the terminal's process group; SIGTERM sent to us alone is passed on.
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGTERM', forward);
  process.on('SIGINT', () => undefined);
  return new Promise((resolvePromise) => {
    child.once('exit', (code, signal) => {
      process.off('SIGTERM', forward);
      resolvePromise(code ?? (signal === 'SIGINT' ? 130 : 1));
    });
  });
}
