/**
 * Runs scenario suites in a vitest child process. What the run needs travels as one object
 * (stack/run-settings.ts) that the global setup, the reporter and the workers read.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  runReportDir,
  runSettingsEnv,
  runSettingsVariable,
  type RunSettings,
} from '../stack/run-settings.ts';
import { runChild, type ChildOutput } from './child-run.ts';
import { UsageError } from './command.ts';
import { runnerCommand } from './runner-bin.ts';

export const repoRoot = join(import.meta.dirname, '..');

/** `fallback` → scenarios/fallback.test.ts, checked to exist. */
export function suiteFiles(suites: readonly string[]): string[] {
  return suites.map((suite) => {
    const file = join('scenarios', `${suite}.test.ts`);
    if (!existsSync(join(repoRoot, file)))
      throw new UsageError(`--suite ${suite}: no scenarios/${suite}.test.ts`);
    return file;
  });
}

/** Every suite of the catalogue (what the scenarios project includes), as paths like suiteFiles's. */
export function catalogueFiles(): string[] {
  return readdirSync(join(repoRoot, 'scenarios'))
    .filter((file) => file.endsWith('.test.ts'))
    .sort()
    .map((file) => join('scenarios', file));
}

/** This process's environment for a runner of `settings`: the settings replace any inherited ones. */
export function runnerEnv(settings: RunSettings): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env[runSettingsVariable];
  return { ...env, ...runSettingsEnv(settings) };
}

/**
 * The run's verdict as its report gives it: a run whose checks all passed still fails on a defect
 * the team has not accepted (the reporter decides; vitest only counts failed tests).
 */
function reportedVerdict(settings: RunSettings): 'pass' | 'fail' | undefined {
  try {
    const file = join(runReportDir(settings), 'results.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { verdict?: 'pass' | 'fail' }).verdict;
  } catch {
    return undefined;
  }
}

export async function runScenarios(
  run: { settings: RunSettings; files?: string[]; shard?: { index: number; count: number } },
  output?: ChildOutput,
): Promise<number> {
  const { settings } = run;
  // A line per suite while it runs (not with --quiet), then the report's summary: root causes first.
  const reporters = [
    ...(settings.quiet ? [] : ['./scenarios/report/progress.ts']),
    './scenarios/report/reporter.ts',
  ];
  const args = [
    'run',
    '--project',
    'scenarios',
    ...reporters.flatMap((reporter) => ['--reporter', reporter]),
  ];
  // A share may be empty (more shards than suites): it still reports, as an empty share.
  if (run.shard) args.push('--shard', `${run.shard.index}/${run.shard.count}`, '--passWithNoTests');
  args.push(...(run.files ?? []));
  const vitest = runnerCommand('vitest', 'vitest');
  const code = await runChild(vitest.command, [...vitest.args, ...args], {
    cwd: repoRoot,
    env: runnerEnv(settings),
    output,
  });
  return code === 0 && reportedVerdict(settings) === 'fail' ? 1 : code;
}
