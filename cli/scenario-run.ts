/**
 * Runs scenario suites in a vitest child process. What the run needs travels as one object
 * (stack/run-settings.ts) that the global setup, the reporter and the workers read.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from '../platform/run-dir.ts';
import {
  runReportDir,
  runSettingsEnv,
  runSettingsVariable,
  type RunSettings,
} from '../stack/run-settings.ts';
import { runChild, type ChildOutput } from './child-run.ts';
import { runnerCommand } from './runner-bin.ts';
import { harnessRoot } from './suites.ts';

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

export interface ScenarioRun {
  settings: RunSettings;
  /** Absolute test files; all the scenario project includes when absent. */
  files?: readonly string[];
  shard?: { index: number; count: number };
  /** Only tests whose full name matches this regular expression (vitest's --testNamePattern). */
  grep?: string;
}

function vitestArgs(run: ScenarioRun, command: 'run' | 'list'): string[] {
  const args = [command, '--config', join(harnessRoot, 'vitest.config.ts'), '--project', 'scenarios'];
  if (run.grep !== undefined) args.push('--testNamePattern', run.grep);
  // A share may be empty (more shards than suites): it still reports, as an empty share.
  if (run.shard) args.push('--shard', `${run.shard.index}/${run.shard.count}`, '--passWithNoTests');
  args.push(...(run.files ?? []));
  return args;
}

/** vitest, run from the working directory: the site's paths mean what they say there. */
function vitest(args: readonly string[], settings: RunSettings, output?: ChildOutput): Promise<number> {
  const runner = runnerCommand('vitest', 'vitest');
  return runChild(runner.command, [...runner.args, ...args], {
    cwd: process.cwd(),
    env: runnerEnv(settings),
    output,
  });
}

export async function runScenarios(run: ScenarioRun, output?: ChildOutput): Promise<number> {
  const { settings } = run;
  // A line per suite while it runs (not with --quiet), then the report's summary: root causes first.
  const reporters = [
    ...(settings.quiet ? [] : ['scenarios/report/progress.ts']),
    'scenarios/report/reporter.ts',
  ].map((reporter) => join(harnessRoot, reporter));
  const args = [...vitestArgs(run, 'run'), ...reporters.flatMap((reporter) => ['--reporter', reporter])];
  const code = await vitest(args, settings, output);
  return code === 0 && reportedVerdict(settings) === 'fail' ? 1 : code;
}

/** One check as `run --list` shows it. */
export interface ListedCheck {
  suite: string;
  /** The check's full name, as --grep matches it and the report shows it. */
  name: string;
}

/**
 * `run --list`: the checks a run would run, collected without a stack (vitest's `list`), grouped by
 * suite. `suites` names each collected file.
 */
export async function listScenarios(
  run: ScenarioRun,
  suiteOf: (file: string) => string,
): Promise<{ code: number; checks: ListedCheck[] }> {
  const scratch = await scratchDir('kaspi-harness-list-');
  try {
    const file = join(scratch.path, 'checks.json');
    // vitest's own lines go nowhere: the list is printed from its JSON, errors from the runner's exit.
    const lines: string[] = [];
    const code = await vitest(
      [...vitestArgs(run, 'list'), `--json=${file}`],
      { ...run.settings, collectOnly: true },
      { write: (chunk) => lines.push(String(chunk)) },
    );
    if (code !== 0) {
      process.stderr.write(lines.join(''));
      return { code, checks: [] };
    }
    const collected = JSON.parse(readFileSync(file, 'utf8')) as { name: string; file: string }[];
    return { code, checks: collected.map((check) => ({ suite: suiteOf(check.file), name: check.name })) };
  } finally {
    await scratch.stop();
  }
}
