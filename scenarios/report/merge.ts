/**
 * One report from the shards of a run (`kaspi-harness run --shard K/N`, then `report --merge`): their
 * checks put together and assessed by the same function an unsharded run's reporter uses, so the
 * verdict, root causes and defects are the ones an unsharded run of the same catalogue gets. Shards
 * belong together when they ran with the same seed, shard count and inputs (model.ts RunInputs); a
 * shard that left no results is a failed check of the merged report, never a silent pass.
 */
import {
  assessRun,
  reportSchemaVersion,
  type ReportedTest,
  type RunInputs,
  type RunReport,
  type ShardOf,
} from './model.ts';

/** A shard's results and where they were read from (for messages). */
export interface ShardResult {
  where: string;
  report: RunReport & { shard: ShardOf };
}

/** Shards that cannot be merged as given: one line that says why. */
export class MergeRefusal extends Error {}

export const isShard = (report: RunReport): report is RunReport & { shard: ShardOf } =>
  report.shard !== undefined;

/** What shards of one run share: equal for every shard of it, different for any other run. */
export function runKeyOf({ report }: ShardResult): string {
  const { count, inputs } = report.shard;
  return JSON.stringify({ seed: report.seed, count, inputs: canonicalInputs(inputs) });
}

function canonicalInputs(inputs: RunInputs): RunInputs {
  return {
    suites: inputs.suites,
    sellers: inputs.sellers,
    paymentServiceContract: inputs.paymentServiceContract,
    phpClasses: inputs.phpClasses,
    phpInit: inputs.phpInit,
    phpFiles: inputs.phpFiles,
    sellersFile: inputs.sellersFile ?? null,
    siteScenarios: inputs.siteScenarios ?? null,
    acceptedFindings: Object.fromEntries(
      Object.entries(inputs.acceptedFindings).sort(([a], [b]) => a.localeCompare(b)),
    ),
    ci: inputs.ci,
  };
}

const listOr = (items: readonly (string | number)[] | null, all: string) => (items ? items.join(', ') : all);
const fileOr = (digest: string | null, reference: string) => digest ?? reference;

/** How two shards' runs differ, as "<what> X vs Y"; empty when they are one run. */
export function differenceOf(a: RunReport & { shard: ShardOf }, b: RunReport & { shard: ShardOf }): string {
  const x = a.shard.inputs;
  const y = b.shard.inputs;
  const differences: [boolean, string][] = [
    [a.seed !== b.seed, `seed ${a.seed} vs ${b.seed}`],
    [a.shard.count !== b.shard.count, `${a.shard.count} shards vs ${b.shard.count}`],
    [
      JSON.stringify(x.suites) !== JSON.stringify(y.suites),
      `suites ${listOr(x.suites, 'all')} vs ${listOr(y.suites, 'all')}`,
    ],
    [
      JSON.stringify(x.sellers) !== JSON.stringify(y.sellers),
      `sellers ${listOr(x.sellers, 'all')} vs ${listOr(y.sellers, 'all')}`,
    ],
    [
      x.paymentServiceContract !== y.paymentServiceContract,
      `payment-service contract ${x.paymentServiceContract ?? 'default'} vs ${y.paymentServiceContract ?? 'default'}`,
    ],
    [
      x.phpClasses !== y.phpClasses,
      `PHP classes ${fileOr(x.phpClasses, 'reference')} vs ${fileOr(y.phpClasses, 'reference')}`,
    ],
    [x.phpInit !== y.phpInit, `init.php ${fileOr(x.phpInit, 'none')} vs ${fileOr(y.phpInit, 'none')}`],
    [x.phpFiles !== y.phpFiles, `--php-files ${fileOr(x.phpFiles, 'none')} vs ${fileOr(y.phpFiles, 'none')}`],
    [
      (x.sellersFile ?? null) !== (y.sellersFile ?? null),
      `sellers file ${fileOr(x.sellersFile ?? null, 'bundled')} vs ${fileOr(y.sellersFile ?? null, 'bundled')}`,
    ],
    [
      (x.siteScenarios ?? null) !== (y.siteScenarios ?? null),
      `site scenarios ${fileOr(x.siteScenarios ?? null, 'none')} vs ${fileOr(y.siteScenarios ?? null, 'none')}`,
    ],
    [
      JSON.stringify(canonicalInputs(x).acceptedFindings) !==
        JSON.stringify(canonicalInputs(y).acceptedFindings),
      'accepted findings differ',
    ],
    [x.ci !== y.ci, `CI pipeline ${x.ci ?? 'none'} vs ${y.ci ?? 'none'}`],
  ];
  return differences
    .filter(([differs]) => differs)
    .map(([, text]) => text)
    .join('; ');
}

const shardName = ({ report }: ShardResult) => `shard ${report.shard.index}/${report.shard.count}`;
const newestFirst = (a: ShardResult, b: ShardResult) =>
  b.report.finishedAt.localeCompare(a.report.finishedAt);

export interface ChosenShards {
  /** One result per shard index present, by index. */
  shards: ShardResult[];
  /** Older results of an index, passed over for a newer one of the same run. */
  passedOver: ShardResult[];
  /** Results of other runs, left alone (only when choosing the newest run). */
  otherRuns: ShardResult[];
}

/**
 * The shards to merge. `all`: every result given must be of one run (else MergeRefusal, naming how
 * they differ). `newest`: the run of the newest result, the others left alone. Either way, an index
 * found twice (a shard run again) counts with its newest result.
 */
export function chooseShards(results: readonly ShardResult[], mode: 'all' | 'newest'): ChosenShards {
  const sorted = [...results].sort(newestFirst);
  const newest = sorted[0];
  if (!newest) return { shards: [], passedOver: [], otherRuns: [] };
  const key = runKeyOf(newest);
  const otherRuns = sorted.filter((result) => runKeyOf(result) !== key);
  const other = otherRuns[0];
  if (mode === 'all' && other) {
    throw new MergeRefusal(
      `${other.where} (${shardName(other)}) and ${newest.where} (${shardName(newest)}) are not shards of one run: ${differenceOf(other.report, newest.report)}`,
    );
  }
  const byIndex = new Map<number, ShardResult>();
  const passedOver: ShardResult[] = [];
  for (const result of sorted) {
    if (runKeyOf(result) !== key) continue;
    const kept = byIndex.get(result.report.shard.index);
    // The same run found twice (a copy of its folder) is no re-run.
    if (!kept) byIndex.set(result.report.shard.index, result);
    else if (kept.report.runId !== result.report.runId) passedOver.push(result);
  }
  const shards = [...byIndex.values()].sort((a, b) => a.report.shard.index - b.report.shard.index);
  return { shards, passedOver, otherRuns };
}

/** The failed check that stands for a shard that left no results. */
function missingShardCheck(index: number, count: number): ReportedTest {
  return {
    name: `shard ${index}/${count} (no results)`,
    file: 'scenarios',
    state: 'failed',
    durationMs: 0,
    errors: [
      `shard ${index}/${count} of this run left no results.json: its suites did not run, or its reports were not collected with the others`,
    ],
    cause: {
      key: 'missing-shard',
      hop: 'check',
      what: 'a shard of the run left no results, so its suites were not judged',
      fix: "run that shard again, and give `report --merge` every shard's run folder",
    },
  };
}

/** The merged report of one run's shards (chooseShards's `shards`), under a new run id. */
export function mergeShards(shards: readonly ShardResult[], runId: string): RunReport {
  const first = shards[0];
  if (!first) throw new MergeRefusal('no shard results to merge');
  const { count, inputs } = first.report.shard;
  const present = new Set(shards.map(({ report }) => report.shard.index));
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((index) => !present.has(index));
  // In catalogue order whatever shard ran a suite; a file's own checks keep the order they ran in.
  const tests = [
    ...shards
      .flatMap(({ report }) => report.tests)
      .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)),
    ...missing.map((index) => missingShardCheck(index, count)),
  ];
  const times = shards.map(({ report }) => report);
  return {
    schemaVersion: reportSchemaVersion,
    runId,
    startedAt: times.map((report) => report.startedAt).sort()[0]!,
    finishedAt: times
      .map((report) => report.finishedAt)
      .sort()
      .at(-1)!,
    seed: first.report.seed,
    ...assessRun(tests, inputs.acceptedFindings),
    tests,
    merged: {
      count,
      inputs,
      shards: shards.map(({ report }) => ({
        index: report.shard.index,
        runId: report.runId,
        startedAt: report.startedAt,
        finishedAt: report.finishedAt,
      })),
      missing,
    },
  };
}
