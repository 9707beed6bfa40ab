/**
 * Sharding proven on real runs: the `health` and `contract` suites against classes with two routing
 * bugs, run whole and as two shards at the same time into one reports dir, then merged. The merged
 * report must judge the run as the whole run does — verdict, every check's state, root causes,
 * defects — and the shards must not have touched each other's files or `latest`. And a shard whose
 * share is empty (more shards than suites) reports so, which a merge tells from a missing shard.
 */
import { spawn } from 'node:child_process';
import {
  cpSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadVariant, materializeVariant } from '../fixtures/variants.ts';
import type { RunReport } from '../scenarios/report/model.ts';
import { judged } from '../scenarios/report/test-support.ts';
import { cliBin, fileTempDir, repoRoot } from './test-support.ts';

/** One run of two suites boots a stack and takes ~12 s here; bounded well above that under load. */
const runTimeoutMs = 180_000;

interface CliRun {
  code: number | null;
  output: string;
}

function cli(args: string[]): Promise<CliRun> {
  const child = spawn(process.execPath, [cliBin, ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  // SIGTERM reaches the CLI, which passes it to vitest: the stack is torn down, not orphaned.
  const timer = setTimeout(() => child.kill('SIGTERM'), runTimeoutMs);
  return new Promise((resolve) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const temp = fileTempDir('kaspi-harness-shards-');

/** The contract lookup calls a route no contract serves, and healthCheck() ignores the status. */
function brokenClasses(): string {
  const wrongPath = loadVariant('wrong-endpoint-path');
  const anyAnswer = loadVariant('health-check-status-ignored');
  return materializeVariant(
    { ...wrongPath, name: 'two-bugs', patches: [...wrongPath.patches, ...anyAnswer.patches] },
    mkdtempSync(join(temp, 'classes-')),
  );
}

const readResults = (dir: string) => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as RunReport;

describe('two shards merged, against one unsharded run', () => {
  const suites = ['--suite', 'health', '--suite', 'contract'];
  const shardsDir = join(temp, 'shards');
  const wholeDir = join(temp, 'whole');
  let whole: CliRun;
  let shards: CliRun[];
  let merge: CliRun;

  beforeAll(async () => {
    const common = [...suites, '--php-classes', brokenClasses(), '--quiet'];
    // Both shards at once into one reports dir, as a developer would run them side by side.
    shards = await Promise.all(
      ['1/2', '2/2'].map((shard) => cli(['run', ...common, '--shard', shard, '--reports-dir', shardsDir])),
    );
    whole = await cli(['run', ...common, '--reports-dir', wholeDir]);
    merge = await cli(['report', '--merge', '--reports-dir', shardsDir]);
  }, 3 * runTimeoutMs);

  it('each shard runs one of the two suites into a folder of its own, leaving latest alone', () => {
    for (const run of shards) expect(run.output).toMatch(/Shard [12]\/2 of the catalogue/);
    const folders = readdirSync(shardsDir).filter((name) => name.includes('-shard-'));
    expect(folders.map((name) => name.replace(/^.*-shard-/, '')).sort()).toEqual(['1-of-2', '2-of-2']);
    const files = folders.map((name) => {
      const results = readResults(join(shardsDir, name));
      expect(results.shard).toMatchObject({ count: 2, inputs: { suites: ['contract', 'health'] } });
      return [...new Set(results.tests.map((test) => test.file))];
    });
    expect(files.flat().sort()).toEqual(['scenarios/contract.test.ts', 'scenarios/health.test.ts']);
    // latest is the merged run's, set by the merge alone.
    expect(readlinkSync(join(shardsDir, 'latest'))).toMatch(/-merged$/);
  });

  it('the merged report judges the run as the unsharded run does, and fails as it does', () => {
    const merged = readResults(join(shardsDir, 'latest'));
    const unsharded = readResults(join(wholeDir, 'latest'));
    // The bugs are found: the run fails, with root causes in both suites and a defect.
    expect(unsharded.verdict).toBe('fail');
    expect(new Set(unsharded.causes.flatMap((cause) => cause.scenarios)).size).toBeGreaterThan(1);
    expect(unsharded.defects.length).toBeGreaterThan(0);
    expect(judged(merged, { examples: false })).toEqual(judged(unsharded, { examples: false }));
    expect(merged.merged).toMatchObject({ count: 2, missing: [] });
    // Exit codes follow the verdicts: the whole run's and the merge's alike.
    expect(whole.code).toBe(1);
    expect(merge.code).toBe(1);
    expect(merge.output).toMatch(/Merged from 2 of 2 shards/);
  });

  it('the merged JUnit file holds every check once', () => {
    const merged = readResults(join(shardsDir, 'latest'));
    const junit = readFileSync(join(shardsDir, 'latest', 'junit.xml'), 'utf8');
    expect(junit.match(/<testcase /g)).toHaveLength(merged.totals.tests);
    const junitFiles = readdirSync(shardsDir)
      .filter((name) => !lstatSync(join(shardsDir, name)).isSymbolicLink())
      .filter((name) => name.endsWith('-merged'));
    expect(junitFiles).toHaveLength(1);
  });
});

describe('a shard with an empty share', () => {
  const reportsDir = join(temp, 'empty-share');
  let emptyShard: CliRun;

  beforeAll(async () => {
    // One suite for two shards: vitest gives it to shard 1, shard 2 gets none.
    emptyShard = await cli(['run', '--suite', 'health', '--shard', '2/2', '--reports-dir', reportsDir]);
  }, runTimeoutMs);

  it('passes, saying so, and leaves results that count as the shard', async () => {
    expect(emptyShard.code).toBe(0);
    expect(emptyShard.output).toContain('shard 2/2 gets none of the 1 suite (more shards than suites)');
    const [folder] = readdirSync(reportsDir);
    const results = readResults(join(reportsDir, folder!));
    expect(results).toMatchObject({ verdict: 'pass', tests: [], shard: { index: 2, count: 2 } });

    // Without shard 1 the merge names it missing and fails; with it (its results as shard 1 of the
    // same run would leave them) the merged run passes.
    const alone = await cli(['report', '--merge', '--reports-dir', reportsDir]);
    expect(alone.code).toBe(1);
    expect(alone.output).toContain('shard 1/2 left no results');
    const first = join(reportsDir, folder!.replace('shard-2-of-2', 'shard-1-of-2'));
    cpSync(join(reportsDir, folder!), first, { recursive: true });
    const check = {
      name: 'healthCheck() › true while the service answers 200',
      file: 'scenarios/health.test.ts',
      state: 'passed',
      durationMs: 5,
      errors: [],
    };
    writeFileSync(
      join(first, 'results.json'),
      JSON.stringify({
        ...results,
        runId: `${results.runId}-1`,
        tests: [check],
        totals: { ...results.totals, tests: 1, passed: 1 },
        shard: { ...results.shard, index: 1 },
      }),
    );
    const both = await cli(['report', '--merge', '--reports-dir', reportsDir]);
    expect(both.code).toBe(0);
    expect(readResults(join(reportsDir, 'latest'))).toMatchObject({
      verdict: 'pass',
      totals: { tests: 1, passed: 1 },
      merged: { missing: [] },
    });
  }, 60_000);
});
