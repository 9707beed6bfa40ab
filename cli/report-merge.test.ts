/**
 * `kaspi-harness report --merge` and `run --shard` as a user meets them: the merged run's four files
 * and `latest`, the exit code by the merged verdict, a missing shard named, and one clear line for
 * every mistake (shards of different runs, a folder with no shards, a shard count that cannot be).
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  assessRun,
  reportSchemaVersion,
  type ReportedTest,
  type RunInputs,
  type RunReport,
} from '../scenarios/report/model.ts';
import { fileTempDir, runCli } from './test-support.ts';

const cli = (...args: string[]) => runCli(args);
const temp = fileTempDir('kaspi-harness-merge-');

const inputs: RunInputs = {
  suites: ['contract', 'health'],
  sellers: null,
  paymentServiceContract: null,
  phpClasses: null,
  phpInit: null,
  phpFiles: null,
  acceptedFindings: {},
  ci: null,
};

/** A shard's run folder as `run --shard` leaves it: results.json (and logs/). */
function writeShard(
  reportsDir: string,
  index: number,
  count: number,
  tests: ReportedTest[],
  options: { seed?: number; finishedAt?: string } = {},
): string {
  const runId = `20261126-0715${index}0-${index}-shard-${index}-of-${count}`;
  const dir = join(reportsDir, runId);
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const report: RunReport = {
    schemaVersion: reportSchemaVersion,
    runId,
    startedAt: '2026-11-26T07:15:00.000Z',
    finishedAt: options.finishedAt ?? `2026-11-26T07:16:0${index}.000Z`,
    seed: options.seed ?? 1,
    ...assessRun(tests),
    tests,
    shard: { index, count, inputs },
  };
  writeFileSync(join(dir, 'results.json'), JSON.stringify(report));
  return dir;
}

const passed = (suite: string, name: string): ReportedTest => ({
  name,
  file: `scenarios/${suite}.test.ts`,
  state: 'passed',
  durationMs: 3,
  errors: [],
});
const failed = (suite: string, name: string): ReportedTest => ({
  ...passed(suite, name),
  state: 'failed',
  errors: [`AssertionError: ${name}`],
});

const runFolders = (reportsDir: string) =>
  readdirSync(reportsDir).filter((name) => !lstatSync(join(reportsDir, name)).isSymbolicLink());

describe('kaspi-harness report --merge', () => {
  it("makes one run of a reports dir's shards, points latest at it, and exits by its verdict", () => {
    const reports = join(temp, 'pass');
    writeShard(reports, 1, 2, [passed('contract', 'every call is served')]);
    writeShard(reports, 2, 2, [passed('health', 'true while up'), passed('health', 'false while down')]);
    const { code, out } = cli('report', '--merge', '--reports-dir', reports);
    expect(code).toBe(0);
    expect(out).toMatch(/merging shard 1\/2 \(.*shard-1-of-2\), shard 2\/2 \(.*shard-2-of-2\)/);
    const merged = readlinkSync(join(reports, 'latest'));
    expect(merged).toMatch(/-merged$/);
    for (const file of ['results.json', 'junit.xml', 'report.html', 'summary.txt'])
      expect(existsSync(join(reports, merged, file)), file).toBe(true);
    const results = JSON.parse(readFileSync(join(reports, merged, 'results.json'), 'utf8')) as RunReport;
    expect(results).toMatchObject({
      verdict: 'pass',
      totals: { tests: 3, passed: 3 },
      merged: { missing: [] },
    });
    // Each check once in the JUnit file, whichever shard ran it.
    const junit = readFileSync(join(reports, merged, 'junit.xml'), 'utf8');
    expect(junit.match(/<testcase /g)).toHaveLength(3);
    expect(junit).toContain('<testsuites name="kaspi-harness ');
    // The merged page links the shards' logs, which sit beside it.
    expect(readFileSync(join(reports, merged, 'report.html'), 'utf8')).toContain(
      '../20261126-071510-1-shard-1-of-2/logs/',
    );
    expect(runFolders(reports)).toHaveLength(3);
    // Re-rendering the merged run (report latest) judges it the same.
    expect(cli('report', '--reports-dir', reports).code).toBe(0);
  });

  it('fails the merged run when a check failed in any shard', () => {
    const reports = join(temp, 'fail');
    writeShard(reports, 1, 2, [passed('contract', 'every call is served')]);
    writeShard(reports, 2, 2, [failed('health', 'false while the service answers 500')]);
    const { code, out } = cli('report', '--merge', '--reports-dir', reports);
    expect(code).toBe(1);
    expect(out).toMatch(/FAIL — 1 of 2 checks failed/);
  });

  it('names a shard that left no results and fails the merged run', () => {
    const reports = join(temp, 'missing');
    const one = writeShard(reports, 1, 3, [passed('contract', 'every call is served')]);
    const three = writeShard(reports, 3, 3, [passed('health', 'true while up')]);
    const { code, out, err } = cli('report', '--merge', one, three, '--reports-dir', reports);
    expect(code).toBe(1);
    expect(err).toContain('shard 2/3 left no results, so the merged run fails');
    expect(out).toContain('Missing: shard 2/3 left no results.');
    const results = JSON.parse(readFileSync(join(reports, 'latest', 'results.json'), 'utf8')) as RunReport;
    expect(results.tests.find((test) => test.state === 'failed')?.name).toBe('shard 2/3 (no results)');
    expect(readFileSync(join(reports, 'latest', 'junit.xml'), 'utf8')).toContain('failures="1"');
  });

  it('finds shards one and two levels below a named folder, as CI jobs download them', () => {
    const downloads = join(temp, 'downloads');
    writeShard(join(downloads, 'kaspi-routing-shard-1'), 1, 2, [passed('contract', 'every call is served')]);
    writeShard(join(downloads, 'kaspi-routing-shard-2'), 2, 2, [passed('health', 'true while up')]);
    const reports = join(temp, 'merged-from-downloads');
    const { code, out } = cli('report', '--merge', downloads, '--reports-dir', reports);
    expect(code).toBe(0);
    expect(out).toContain('Merged from 2 of 2 shards');
    expect(runFolders(reports)).toEqual([expect.stringMatching(/-merged$/)]);
  });

  it.each([
    [
      'shards of different runs named together',
      (dir: string) => [
        writeShard(dir, 1, 2, [passed('contract', 'a')], { seed: 1 }),
        writeShard(dir, 2, 2, [passed('health', 'b')], { seed: 2 }),
      ],
      /are not shards of one run: seed 1 vs 2/,
    ],
    [
      'a folder without shards',
      (dir: string) => [(mkdirSync(dir, { recursive: true }), dir)],
      /no shard results in /,
    ],
    ['a folder that does not exist', (dir: string) => [join(dir, 'nowhere')], /nowhere: no such folder/],
    [
      'the run folder of an unsharded run',
      (dir: string) => {
        const run = join(dir, 'unsharded');
        mkdirSync(run, { recursive: true });
        writeFileSync(join(run, 'results.json'), JSON.stringify({ runId: 'unsharded', tests: [] }));
        return [run];
      },
      /holds a run made without --shard/,
    ],
  ])('refuses %s with one line and exit code 2', (_, given, message) => {
    const dir = join(temp, `refused-${Math.random().toString(36).slice(2)}`);
    const { code, err } = cli('report', '--merge', ...given(dir), '--reports-dir', dir);
    expect(code).toBe(2);
    expect(err.split('\n')[0]).toMatch(message);
    expect(err).not.toMatch(/\n\s+at /);
  });
});

describe('kaspi-harness run --shard', () => {
  it.each([
    [['run', '--shard', '3/2'], /--shard must be K\/N with 1 ≤ K ≤ N .*got "3\/2"/],
    [['run', '--shard', 'half'], /--shard must be K\/N/],
    [['phase6', '--shard', '1/2'], /--shard: phase6 is one suite and runs whole/],
  ])('%j answers with one line and exit code 2', (args, message) => {
    const { code, err } = cli(...args);
    expect(code).toBe(2);
    expect(err.split('\n')[0]).toMatch(message);
  });

  it('is documented in the help of run, and phase6 says it does not shard', () => {
    expect(cli('run', '--help').out).toContain('--shard K/N');
    expect(cli('phase6', '--help').out).toMatch(/does not shard/);
    expect(cli('report', '--help').out).toContain('--merge');
  });
});
