/**
 * Runs scenario suites in a vitest child process. What the run needs (its id, seed, the team's PHP,
 * the stack provider, seller filter) travels through the environment that the global setup and the
 * reporter read.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { newRunId } from '../stack/run-dir.ts';
import { runChild, type ChildOutput } from './child-run.ts';
import { UsageError } from './command.ts';
import type { StackProvider } from './config.ts';

export interface ScenarioRunOptions {
  /** The run's id, reports/<run>/ (a new one when absent); phase6 gives its two runners the same. */
  runId?: string;
  seed?: number;
  phpClassesDir?: string;
  phpInitFile?: string;
  phpFilesConfig?: string;
  reportsDir?: string;
  quiet?: boolean;
  /** Scenario files to run (all of `scenarios/*.test.ts` when absent). */
  files?: string[];
  /** Only these shop ids. */
  sellers?: number[];
  stack?: StackProvider;
  stackFile?: string;
  /** The stack file appears later: this process is booting the stack (phase6, cli/own-stacks.ts). */
  stackFilePending?: boolean;
  /** How many stacks to boot (one per parallel worker). */
  stacks?: number;
}

export const repoRoot = join(import.meta.dirname, '..');

/** Where reports/<run>/ directories go: --reports-dir, else the repository's reports/. */
export function reportsRoot(options: Pick<ScenarioRunOptions, 'reportsDir'>): string {
  return options.reportsDir ? resolve(options.reportsDir) : join(repoRoot, 'reports');
}

export function existingPath(flag: string, path: string, kind: 'file' | 'directory'): string {
  const absolute = resolve(path);
  const ok =
    existsSync(absolute) &&
    (kind === 'file' ? statSync(absolute).isFile() : statSync(absolute).isDirectory());
  if (!ok) throw new UsageError(`${flag} ${path}: no such ${kind}`);
  return absolute;
}

/** `fallback` → scenarios/fallback.test.ts, checked to exist. */
export function suiteFiles(suites: readonly string[]): string[] {
  return suites.map((suite) => {
    const file = join('scenarios', `${suite}.test.ts`);
    if (!existsSync(join(repoRoot, file)))
      throw new UsageError(`--suite ${suite}: no scenarios/${suite}.test.ts`);
    return file;
  });
}

export function scenarioEnv(options: ScenarioRunOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, KASPI_HARNESS_RUN_ID: options.runId ?? newRunId() };
  delete env.KASPI_HARNESS_STACK_FILE_PENDING;
  if (options.seed !== undefined) env.KASPI_HARNESS_SEED = String(options.seed);
  if (options.phpClassesDir)
    env.KASPI_HARNESS_PHP_CLASSES = existingPath('--php-classes', options.phpClassesDir, 'directory');
  if (options.phpInitFile)
    env.KASPI_HARNESS_PHP_INIT = existingPath('--php-init', options.phpInitFile, 'file');
  if (options.phpFilesConfig)
    env.KASPI_HARNESS_PHP_FILES = existingPath('--php-files', options.phpFilesConfig, 'file');
  if (options.reportsDir) env.KASPI_HARNESS_REPORTS_DIR = resolve(options.reportsDir);
  if (options.quiet) env.KASPI_HARNESS_QUIET = '1';
  if (options.sellers?.length) env.KASPI_HARNESS_SELLERS = options.sellers.join(',');
  if (options.stack) env.KASPI_HARNESS_STACK = options.stack;
  if (options.stackFile && options.stackFilePending) {
    env.KASPI_HARNESS_STACK_FILE = options.stackFile;
    env.KASPI_HARNESS_STACK_FILE_PENDING = '1';
  } else if (options.stackFile)
    env.KASPI_HARNESS_STACK_FILE = existingPath('--stack-file', options.stackFile, 'file');
  const files = options.files?.length ?? Infinity;
  env.KASPI_HARNESS_STACKS = String(options.stacks ?? Math.min(2, files));
  return env;
}

export async function runScenarios(options: ScenarioRunOptions, output?: ChildOutput): Promise<number> {
  const env = scenarioEnv(options);
  const args = ['run', '--project', 'scenarios', '--reporter', options.quiet ? 'dot' : 'default'];
  args.push('--reporter', './scenarios/report/reporter.ts', ...(options.files ?? []));
  const vitest = join(repoRoot, 'node_modules', '.bin', 'vitest');
  return runChild(vitest, args, { cwd: repoRoot, env, output });
}
