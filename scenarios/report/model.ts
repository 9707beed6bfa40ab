/**
 * The report's data model: what `results.json` holds (documented in reports/README.md), and how a run's
 * checks become its root causes, its defects and its verdict. Tokens are masked before anything is
 * written.
 */
import type { Cause } from '../support/causes.ts';
import type { Finding } from '../support/findings.ts';
import type { RoutingResult, Verdict } from '../support/verdict.ts';

export const reportSchemaVersion = 3;

export interface ReportedTest {
  /** The describe block and test names, joined with " › ". */
  name: string;
  file: string;
  state: 'passed' | 'failed' | 'skipped';
  durationMs: number;
  errors: string[];
  routing?: RoutingResult;
  findings?: Finding[];
  /** A failed check's root cause: the first hop that went wrong (scenarios/support/causes.ts). */
  cause?: Cause;
}

/** The failed checks that share one root cause. */
export interface CauseGroup extends Cause {
  checks: number;
  /** "Eileen (121038)", in the order they failed. */
  sellers: string[];
  /** Matrix columns, or the suites of checks that placed no payment. */
  scenarios: string[];
  /** One failed check's own account, as an example. */
  example: string;
}

/** Findings of severity `defect` with one key: each fails the run unless the team accepted it. */
export interface DefectGroup {
  key: string;
  message: string;
  suites: string[];
  /** How many checks reported it. */
  checks: number;
  /** The team's written reason, when its config accepts this defect (`acceptedFindings`). */
  accepted?: string;
}

/**
 * What decides a run's results besides the harness itself: shards that differ in any of it are not
 * parts of one run and do not merge. Files are recorded by content (sha256), so that two CI machines
 * that check the same site out under different paths agree.
 */
export interface RunInputs {
  /** The suites asked for (scenarios/NAME.test.ts), sorted; null: the whole catalogue. */
  suites: string[] | null;
  /** The shop ids asked for, sorted; null: every seller of the fixtures. */
  sellers: number[] | null;
  /** `guide`, `deployed`, `sha256:…` of an OpenAPI file, or null: the stack's own default. */
  paymentServiceContract: string | null;
  /** `sha256:…` of the team's local/classes tree (paths and contents); null: the reference classes. */
  phpClasses: string | null;
  phpInit: string | null;
  phpFiles: string | null;
  /** `sha256:…` of the site's sellers file; null: the bundled sellers (absent in older results). */
  sellersFile?: string | null;
  /** `sha256:…` of the site's own scenario files; null: none (absent in older results). */
  siteScenarios?: string | null;
  /** The config's accepted defects, by key, with their reasons. */
  acceptedFindings: Record<string, string>;
  /** The CI pipeline the run belongs to (`github:owner/repo#run-id`, `gitlab:project#pipeline-id`); null outside CI. */
  ci: string | null;
}

/** One share of the catalogue, run with `kaspi-harness run --shard index/count`. */
export interface ShardOf {
  /** 1-based. */
  index: number;
  count: number;
  inputs: RunInputs;
}

/** A report merged from the shards of one run (`kaspi-harness report --merge`). */
export interface MergedFrom {
  count: number;
  inputs: RunInputs;
  /** The shard runs merged, by index. */
  shards: { index: number; runId: string; startedAt: string; finishedAt: string }[];
  /** Indexes of the shards that left no results: each is a failed check of the merged report. */
  missing: number[];
}

export interface RunReport {
  schemaVersion: typeof reportSchemaVersion;
  runId: string;
  startedAt: string;
  finishedAt: string;
  seed: number | null;
  /** `fail` when any check failed or any defect is not accepted. */
  verdict: 'pass' | 'fail';
  totals: { tests: number; passed: number; failed: number; skipped: number } & Record<Verdict, number>;
  /** Root causes of the failed checks, most checks first. */
  causes: CauseGroup[];
  defects: DefectGroup[];
  tests: ReportedTest[];
  /** Present on the results of one shard. */
  shard?: ShardOf;
  /** Present on a report merged from shards. */
  merged?: MergedFrom;
}

export function summarizeTotals(tests: readonly ReportedTest[]): RunReport['totals'] {
  const totals: RunReport['totals'] = {
    tests: tests.length,
    passed: 0,
    failed: 0,
    skipped: 0,
    correct: 0,
    diverted: 0,
    astray: 0,
    'not-paid': 0,
  };
  for (const test of tests) {
    totals[test.state] += 1;
    if (test.routing) totals[test.routing.verdict] += 1;
  }
  return totals;
}

const suiteOf = (file: string): string => /([\w-]+)\.(?:test|spec)\.ts$/.exec(file)?.[1] ?? file;

/**
 * A failed check that named no cause (an assertion outside the payment's own hops): grouped by its
 * suite and first error line, with numbers blanked so that one check per seller groups as one.
 */
export function causeOf(test: ReportedTest): Cause {
  if (test.cause) return test.cause;
  const first = (test.errors[0] ?? 'failed').split('\n')[0]!.trim();
  const general = first
    .replace(/\d{3,}/g, '…')
    .replace(/\s+/g, ' ')
    .slice(0, 240);
  return {
    key: `check:${suiteOf(test.file)}:${general}`,
    hop: 'check',
    what: general,
    fix: 'read the failed check below and its trace',
  };
}

/** A failed check's own account: its payment's reason when the payment failed, else its first error. */
export function exampleOf(test: ReportedTest): string {
  if (test.routing && !test.routing.passed) return test.routing.reason;
  return test.errors[0]?.split('\n')[0] ?? test.name;
}

export function groupCauses(tests: readonly ReportedTest[]): CauseGroup[] {
  const groups = new Map<string, CauseGroup>();
  for (const test of tests) {
    if (test.state !== 'failed') continue;
    const cause = causeOf(test);
    const group = groups.get(cause.key) ?? {
      ...cause,
      checks: 0,
      sellers: [],
      scenarios: [],
      example: exampleOf(test),
    };
    group.checks += 1;
    const seller = test.routing ? `${test.routing.sellerName} (${test.routing.shopId})` : undefined;
    if (seller && !group.sellers.includes(seller)) group.sellers.push(seller);
    const scenario = test.routing?.scenario ?? suiteOf(test.file);
    if (!group.scenarios.includes(scenario)) group.scenarios.push(scenario);
    groups.set(cause.key, group);
  }
  return [...groups.values()].sort((a, b) => b.checks - a.checks);
}

export function groupDefects(
  tests: readonly ReportedTest[],
  accepted: Readonly<Record<string, string>> = {},
): DefectGroup[] {
  const groups = new Map<string, DefectGroup>();
  for (const test of tests) {
    for (const finding of test.findings ?? []) {
      if (finding.severity !== 'defect') continue;
      const group = groups.get(finding.key) ?? {
        key: finding.key,
        message: finding.message,
        suites: [],
        checks: 0,
        ...(accepted[finding.key] ? { accepted: accepted[finding.key] } : {}),
      };
      group.checks += 1;
      if (!group.suites.includes(finding.suite)) group.suites.push(finding.suite);
      groups.set(finding.key, group);
    }
  }
  return [...groups.values()].sort(
    (a, b) => Number(!!a.accepted) - Number(!!b.accepted) || b.checks - a.checks,
  );
}

/** A report read back from results.json (an older schema too), its derived parts computed again. */
export function reassess(report: RunReport): RunReport {
  const accepted = {
    ...(report.shard ?? report.merged)?.inputs.acceptedFindings,
    ...Object.fromEntries(
      (report.defects ?? []).flatMap((defect) => (defect.accepted ? [[defect.key, defect.accepted]] : [])),
    ),
  };
  return { ...report, schemaVersion: reportSchemaVersion, ...assessRun(report.tests, accepted) };
}

/** Every part of the report derived from its checks, so a re-render or a merge computes it the same way. */
export function assessRun(
  tests: readonly ReportedTest[],
  accepted: Readonly<Record<string, string>> = {},
): Pick<RunReport, 'totals' | 'causes' | 'defects' | 'verdict'> {
  const totals = summarizeTotals(tests);
  const defects = groupDefects(tests, accepted);
  const failed = totals.failed > 0 || defects.some((defect) => !defect.accepted);
  return { totals, causes: groupCauses(tests), defects, verdict: failed ? 'fail' : 'pass' };
}
