/**
 * Kill rate (issue 6): every broken variant of the integration classes in fixtures/variants/ is run
 * through the scenario suite named in its `caughtBy`, exactly as a team would run its own classes
 * (`kaspi-harness phase6` or `kaspi-harness run --suite NAME`, `--php-classes`), and must make that
 * run fail with a failing test of the named scenario — or, for a variant marked
 * `"expected": "survives"`, must still pass it (so the day a scenario catches it, this test says so).
 * The reference classes must pass every suite used, in one run. A table (variant, bug, the test that
 * caught it or SURVIVED) goes to stdout and reports/kill-rate.{md,json}.
 *
 * Each run boots its own stack; as many runs at a time as the machine has cores.
 * KASPI_HARNESS_VARIANTS=a,b runs only those variants (and the reference against their suites).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { catcherOf, loadVariants, materializeVariant, type Variant } from '../../fixtures/variants.ts';
import type { ReportedTest, RunReport } from '../report/model.ts';

const repoRoot = join(import.meta.dirname, '..', '..');
const parallel = availableParallelism();
/** One run: stack boot, the suite, teardown. The longest suite used here takes about three minutes. */
const runTimeoutMs = 10 * 60_000;

const only = process.env.KASPI_HARNESS_VARIANTS?.split(',').filter(Boolean);
const variants = loadVariants().filter((variant) => !only || only.includes(variant.name));
const suitesUsed = [...new Set(variants.map((variant) => catcherOf(variant).suite))].sort();

interface SuiteRun {
  code: number | null;
  /** Last part of the run's output, for failure messages. */
  output: string;
  report: RunReport | null;
  /** Failed tests: from results.json, else as vitest printed them (see failedInOutput). */
  failed: ReportedTest[];
  /** Where `failed` comes from: `none` when the run reached no test at all (its stack did not boot). */
  source: 'results.json' | 'output' | 'none';
  reportsDir: string;
  ms: number;
}

const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/**
 * Failed tests as vitest prints them (` FAIL  scenarios  scenarios/x.test.ts > describe > test`).
 * The reporter writes no results.json when no test got as far as a routing result — every test
 * timed out, say, as with a 60 s lookup timeout against a blackhole — yet the run did fail there.
 */
function failedInOutput(output: string): ReportedTest[] {
  const found = new Map<string, ReportedTest>();
  for (const match of output
    .replace(ansi, '')
    .matchAll(/FAIL\s+(?:\S+\s+)?(scenarios\/[\w.-]+\.test\.ts) > (.+)$/gm)) {
    const [, file, name] = match as unknown as [string, string, string];
    found.set(`${file} > ${name}`, { file, name: name.trim(), state: 'failed', durationMs: 0, errors: [] });
  }
  return [...found.values()];
}

const workRoot = mkdtempSync(join(tmpdir(), 'kaspi-harness-kill-rate-'));

/** `kaspi-harness phase6` or `kaspi-harness run --suite …` against a classes tree (the reference when absent). */
function runSuitesOnce(label: string, suites: readonly string[], classesDir?: string): Promise<SuiteRun> {
  const reportsDir = mkdtempSync(join(workRoot, `${label}-reports-`));
  // phase6 without its browser scenarios: they are not what a variant names, and take minutes.
  const command =
    suites.length === 1 && suites[0] === 'phase6'
      ? ['phase6', '--no-browser']
      : ['run', ...suites.flatMap((suite) => ['--suite', suite])];
  const args = ['cli/bin.mjs', ...command, '--quiet', '--reports-dir', reportsDir];
  if (classesDir) args.push('--php-classes', classesDir);
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let head = '';
  let tail = '';
  const keep = (chunk: Buffer) => {
    if (head.length < 10_000) head += chunk.toString();
    else tail = (tail + chunk.toString()).slice(-60_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  // SIGTERM reaches the CLI, which passes it to vitest: the stack is torn down, not orphaned.
  const timer = setTimeout(() => child.kill('SIGTERM'), runTimeoutMs);
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      clearTimeout(timer);
      const results = join(reportsDir, 'latest', 'results.json');
      const report = existsSync(results) ? (JSON.parse(readFileSync(results, 'utf8')) as RunReport) : null;
      const output = tail ? `${head}\n…\n${tail}` : head;
      const printed = report ? [] : failedInOutput(output);
      resolve({
        code,
        output,
        report,
        failed: report ? report.tests.filter((t) => t.state === 'failed') : printed,
        source: report ? 'results.json' : printed.length ? 'output' : 'none',
        reportsDir,
        ms: performance.now() - started,
      });
    });
  });
}

/**
 * Stacks that boot at the same moment on this 2-core machine sometimes fail to (mariadb-install-db
 * exits non-zero; reports/failed-boot/ keeps the PostgreSQL log): runs start at least this far apart,
 * so one boot is done before the next begins.
 */
const startGapMs = 12_000;
let nextStart = 0;
async function startGate(): Promise<void> {
  const now = performance.now();
  const at = Math.max(now, nextStart);
  nextStart = at + startGapMs;
  if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
}

/**
 * A run that reached no test (no results.json, no failed test printed: its stack did not boot) never
 * got to a verdict: that is not a routing result, so it is tried again, twice at most.
 */
async function runSuites(label: string, suites: readonly string[], classesDir?: string): Promise<SuiteRun> {
  for (let attempt = 1; ; attempt++) {
    await startGate();
    const run = await runSuitesOnce(label, suites, classesDir);
    if (run.source !== 'none' || attempt === 3) return run;
    console.warn(`kill rate: ${label} reached no test (exit ${run.code}); running it again`);
  }
}

/** Runs the thunks at most `limit` at a time, in order; each promise settles with its own result. */
function pool<T>(thunks: (() => Promise<T>)[], limit: number): Promise<T>[] {
  let next = 0;
  const slots: { resolve: (value: T) => void; reject: (error: unknown) => void }[] = [];
  const promises = thunks.map(
    (_, index) => new Promise<T>((resolve, reject) => (slots[index] = { resolve, reject })),
  );
  const worker = async (): Promise<void> => {
    while (next < thunks.length) {
      const index = next++;
      try {
        slots[index]!.resolve(await thunks[index]!());
      } catch (error) {
        slots[index]!.reject(error);
      }
    }
  };
  for (let i = 0; i < Math.min(limit, thunks.length); i++) void worker();
  return promises;
}

interface Outcome {
  variant: Variant;
  run: SuiteRun;
  /** Failed tests of the `caughtBy` scenario. */
  catching: ReportedTest[];
  /** Every failed test of the run. */
  failed: ReportedTest[];
}

/**
 * `<suite> > defect <key prefix>`: a bug the run reports as a defect (a method the class lacks) rather
 * than as failed checks; it is caught by an unaccepted defect of that key, which fails the run.
 */
const defectCatcher = /^defect (.+)$/;

function outcomeOf(variant: Variant, run: SuiteRun): Outcome {
  const { suite, test } = catcherOf(variant);
  const failed = run.failed;
  const defectKey = defectCatcher.exec(test)?.[1];
  const catching = defectKey
    ? (run.report?.defects ?? [])
        .filter((defect) => !defect.accepted && defect.key.startsWith(defectKey))
        .map((defect) => ({
          name: `defect ${defect.key}`,
          file: `scenarios/${suite}.test.ts`,
          state: 'failed' as const,
          durationMs: 0,
          errors: [defect.message],
        }))
    : failed.filter((t) => t.file === `scenarios/${suite}.test.ts` && t.name.startsWith(test));
  return { variant, run, catching, failed };
}

const killed = (outcome: Outcome) => outcome.run.code !== 0 && outcome.catching.length > 0;

let reference: Promise<SuiteRun>;
const outcomes = new Map<string, Promise<Outcome>>();
const started = performance.now();

beforeAll(() => {
  // The reference first: it runs every suite used, so it is the longest and overlaps the variants.
  const [referenceRun, ...variantRuns] = pool<unknown>(
    [
      () => runSuites('reference', suitesUsed),
      ...variants.map((variant) => async () => {
        const classes = materializeVariant(variant, mkdtempSync(join(workRoot, `${variant.name}-classes-`)));
        try {
          return outcomeOf(variant, await runSuites(variant.name, [catcherOf(variant).suite], classes));
        } finally {
          rmSync(classes, { recursive: true, force: true });
        }
      }),
    ],
    parallel,
  );
  reference = referenceRun as Promise<SuiteRun>;
  variants.forEach((variant, index) => outcomes.set(variant.name, variantRuns[index] as Promise<Outcome>));
});

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;
const lastLines = (text: string, n = 40) => text.trim().split('\n').slice(-n).join('\n');
/** The stack's own error when it did not boot, else the output's end. */
const gist = (run: SuiteRun) =>
  run.report
    ? lastLines(run.output)
    : lastLines(
        run.output
          .split('\n')
          .filter((line) => !line.includes('❯'))
          .join('\n'),
        60,
      );

describe('kill rate: the suite fails on every broken variant, and passes on the reference', () => {
  it(
    `the reference classes pass ${suitesUsed.join(', ')}`,
    async () => {
      const run = await reference;
      const failed = run.failed.map((t) => `${t.file}: ${t.name}`);
      expect(failed, `reference failures (report in ${run.reportsDir})\n${gist(run)}`).toEqual([]);
      expect(run.code, gist(run)).toBe(0);
      expect(run.report?.verdict).toBe('pass');
      rmSync(run.reportsDir, { recursive: true, force: true });
    },
    3 * runTimeoutMs,
  );

  for (const variant of variants) {
    const survives = variant.expected === 'survives';
    it(
      survives
        ? `${variant.name}: survives ${catcherOf(variant).suite} (no scenario catches it yet)`
        : `${variant.name}: caught by ${variant.caughtBy}`,
      async () => {
        const outcome = await outcomes.get(variant.name)!;
        const { run } = outcome;
        const context = `exit ${run.code}; report in ${run.reportsDir}\n${gist(run)}`;
        expect(run.source, `the run reached no test: ${context}`).not.toBe('none');
        if (survives) {
          expect(variant.reason, 'a survivor says why').toBeTruthy();
          expect(
            outcome.failed.map((t) => `${t.file}: ${t.name}`),
            `${variant.name} is now caught: drop "expected": "survives" and name the catching scenario`,
          ).toEqual([]);
          expect(run.code, context).toBe(0);
        } else {
          expect(run.code, `the run must fail: ${context}`).not.toBe(0);
          expect(
            outcome.catching.map((t) => t.name),
            `failing tests of "${variant.caughtBy}"; failing instead: ${outcome.failed.map((t) => `${t.file}: ${t.name}`).join(' | ') || 'none'}; ${context}`,
          ).not.toEqual([]);
        }
        rmSync(run.reportsDir, { recursive: true, force: true });
      },
      3 * runTimeoutMs,
    );
  }

  it('writes the kill-rate table', async () => {
    const settled = await Promise.all(variants.map((variant) => outcomes.get(variant.name)!));
    const caught = settled.filter(killed);
    const rows = settled.map((outcome) => ({
      variant: outcome.variant.name,
      bug: outcome.variant.bug,
      expected: outcome.variant.expected ?? 'caught',
      caughtBy: killed(outcome) ? outcome.catching[0]!.name : null,
      catchingTests: outcome.catching.length,
      failedTests: outcome.failed.length,
      suite: catcherOf(outcome.variant).suite,
      exitCode: outcome.run.code,
      source: outcome.run.source,
      seconds: Math.round(outcome.run.ms / 1000),
      reason: outcome.variant.reason ?? null,
      // What the run told the team first: its top root cause (or defect).
      cause: outcome.run.report?.causes[0]
        ? `[${outcome.run.report.causes[0].hop}] ${outcome.run.report.causes[0].what}`
        : (outcome.run.report?.defects[0]?.message ?? null),
    }));
    const rate = `${caught.length}/${settled.length}`;
    const table = [
      `Kill rate: ${rate} variants caught (${Math.round((100 * caught.length) / Math.max(1, settled.length))} %), ${seconds(performance.now() - started)} wall time, ${parallel} runs at a time.`,
      '',
      '| variant | bug | caught by | first root cause of the run |',
      '|---|---|---|---|',
      ...rows.map(
        (row) =>
          `| \`${row.variant}\` | ${row.bug.replace(/\|/g, '\\|')} | ${
            row.caughtBy
              ? `${row.suite}: ${row.caughtBy} (${row.catchingTests} failing test${row.catchingTests === 1 ? '' : 's'}${row.source === 'output' ? '; no results.json, as vitest printed it' : ''})`
              : `**SURVIVED** ${row.suite}${row.reason ? ` — ${row.reason}` : ''}`
          } | ${(row.cause ?? '—').replace(/\|/g, '\\|')} |`,
      ),
    ].join('\n');
    mkdirSync(join(repoRoot, 'reports'), { recursive: true });
    writeFileSync(join(repoRoot, 'reports', 'kill-rate.md'), `${table}\n`);
    writeFileSync(
      join(repoRoot, 'reports', 'kill-rate.json'),
      `${JSON.stringify({ rate, caught: caught.length, total: settled.length, rows }, null, 2)}\n`,
    );
    console.log(`\n${table}\n`);
    // Reports of runs that did not go as expected stay for inspection (their paths are in the failures).
    const asExpected = settled.every(
      (outcome) => killed(outcome) === (outcome.variant.expected !== 'survives'),
    );
    if (asExpected) rmSync(workRoot, { recursive: true, force: true });
    expect(rows.length).toBe(variants.length);
  });
});
