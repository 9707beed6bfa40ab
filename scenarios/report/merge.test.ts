/**
 * Shards merged into one report judge the run as an unsharded run of the same checks would: the same
 * verdict, root causes and defects; a shard that left nothing fails the run; shards of different runs
 * are refused, naming how they differ.
 */
import { describe, expect, it } from 'vitest';
import { sellers } from '../../fixtures/organizations.ts';
import { causes } from '../support/causes.ts';
import type { Finding } from '../support/findings.ts';
import { chooseShards, MergeRefusal, mergeShards, type ShardResult } from './merge.ts';
import {
  assessRun,
  reassess,
  reportSchemaVersion,
  type ReportedTest,
  type RunInputs,
  type RunReport,
} from './model.ts';
import { renderSummary } from './summary.ts';
import { judged } from './test-support.ts';

const defect = (key: string, suite: string): Finding => ({
  suite,
  key,
  severity: 'defect',
  message: `${key} found`,
});

const check = (
  file: string,
  name: string,
  state: ReportedTest['state'],
  extra: Partial<ReportedTest> = {},
): ReportedTest => ({
  name,
  file: `scenarios/${file}.test.ts`,
  state,
  durationMs: 1,
  errors: state === 'failed' ? [`AssertionError: ${name} failed`] : [],
  ...extra,
});

const astray = (seller: (typeof sellers)[number]) => ({
  scenario: 'routing: QR',
  sellerName: seller.name,
  shopId: seller.shopId,
  sellerBin: seller.bin,
  expectedBin: seller.bin,
  receivedBin: sellers[0]!.bin,
  receivedToken: null,
  verdict: 'astray' as const,
  passed: false,
  reason: `money landed on ${sellers[0]!.bin}`,
  qrPaymentId: 1,
  orderId: 1,
  amount: 1,
  durationMs: 1,
});

/** A catalogue's checks by suite: failures with causes in two suites, a defect in two, one accepted. */
const bySuite: Record<string, ReportedTest[]> = {
  routing: [
    check('routing', 'VLVT paid on its BIN', 'failed', {
      cause: causes.paidDefaultShop(),
      routing: astray(sellers[1]!),
    }),
    check('routing', 'Santini paid on its BIN', 'failed', {
      cause: causes.paidDefaultShop(),
      routing: astray(sellers[2]!),
      findings: [defect('drift:GET /api/payment/config', 'routing')],
    }),
  ],
  contract: [
    check('contract', 'every call is served', 'passed', {
      findings: [defect('drift:GET /api/payment/config', 'contract')],
    }),
    check('contract', 'remote invoices', 'skipped', {
      findings: [defect('not-implemented:ApiClient::createRemotePay', 'contract')],
    }),
  ],
  health: [check('health', 'false while the service answers 500', 'failed')],
  cache: [check('cache', 'one lookup per TTL', 'passed')],
};
const accepted = { 'not-implemented:ApiClient::createRemotePay': 'this site sends no remote invoices' };

const inputs = (extra: Partial<RunInputs> = {}): RunInputs => ({
  suites: null,
  sellers: null,
  paymentServiceContract: null,
  phpClasses: 'sha256:aaaa',
  phpInit: null,
  phpFiles: null,
  acceptedFindings: accepted,
  ci: null,
  ...extra,
});

function shard(
  index: number,
  count: number,
  suites: string[],
  options: { seed?: number; inputs?: Partial<RunInputs>; finishedAt?: string; runId?: string } = {},
): ShardResult {
  const tests = suites.flatMap((suite) => bySuite[suite]!);
  const runId = options.runId ?? `run-${index}-of-${count}`;
  return {
    where: `reports/${runId}`,
    report: {
      schemaVersion: reportSchemaVersion,
      runId,
      startedAt: `2026-11-26T07:0${index}:00.000Z`,
      finishedAt: options.finishedAt ?? `2026-11-26T07:1${index}:00.000Z`,
      seed: options.seed ?? 7,
      ...assessRun(tests, accepted),
      tests,
      shard: { index, count, inputs: inputs(options.inputs) },
    },
  };
}

describe('shards merged into one report', () => {
  const unsharded = Object.values(bySuite).flat();

  it('judge the run exactly as an unsharded run of the same checks', () => {
    const shards = [shard(2, 2, ['contract', 'cache']), shard(1, 2, ['routing', 'health'])];
    const merged = mergeShards(chooseShards(shards, 'all').shards, 'run-merged');
    const expected = { ...assessRun(unsharded, accepted), tests: unsharded };
    expect(judged(merged)).toEqual(judged(expected));
    // The defect seen in two shards counts the checks of both; the accepted one stays accepted.
    expect(merged.defects.map((group) => [group.key, group.checks, group.accepted])).toEqual([
      ['drift:GET /api/payment/config', 2, undefined],
      [
        'not-implemented:ApiClient::createRemotePay',
        1,
        accepted['not-implemented:ApiClient::createRemotePay'],
      ],
    ]);
    expect(merged.causes.find((cause) => cause.key === 'paid-default-shop')?.checks).toBe(2);
    expect(merged).toMatchObject({
      verdict: 'fail',
      runId: 'run-merged',
      seed: 7,
      startedAt: '2026-11-26T07:01:00.000Z',
      finishedAt: '2026-11-26T07:12:00.000Z',
      merged: { count: 2, missing: [] },
    });
    expect(merged.merged!.shards.map((part) => part.runId)).toEqual(['run-1-of-2', 'run-2-of-2']);
    // In catalogue order, whichever shard ran a suite.
    expect([...new Set(merged.tests.map((test) => test.file))]).toEqual([
      'scenarios/cache.test.ts',
      'scenarios/contract.test.ts',
      'scenarios/health.test.ts',
      'scenarios/routing.test.ts',
    ]);
  });

  it('pass when every shard passed, as the unsharded run does', () => {
    const passing = (index: number, suite: string): ShardResult => {
      const result = shard(index, 2, []);
      const tests = [check(suite, `${suite} works`, 'passed')];
      return { ...result, report: { ...result.report, ...assessRun(tests), tests } };
    };
    const merged = mergeShards([passing(1, 'cache'), passing(2, 'health')], 'run-merged');
    expect(merged.verdict).toBe('pass');
    expect(merged.totals).toMatchObject({ tests: 2, passed: 2, failed: 0 });
  });

  it('fail when a shard left no results, naming it, even if every check that ran passed', () => {
    const result = shard(1, 3, []);
    const tests = [check('cache', 'one lookup per TTL', 'passed')];
    const present = { ...result, report: { ...result.report, ...assessRun(tests), tests } };
    expect(present.report.verdict).toBe('pass');
    const merged = mergeShards(chooseShards([present], 'all').shards, 'run-merged');
    expect(merged.verdict).toBe('fail');
    expect(merged.merged!.missing).toEqual([2, 3]);
    expect(merged.totals).toMatchObject({ tests: 3, passed: 1, failed: 2 });
    expect(merged.causes).toEqual([
      expect.objectContaining({ key: 'missing-shard', checks: 2, hop: 'check' }),
    ]);
    const summary = renderSummary(merged, { color: false, reportDir: 'reports/run-merged' });
    expect(summary).toContain('Missing: shard 2/3, shard 3/3 left no results.');
    expect(summary).toMatch(/FAIL — 2 of 3 checks failed/);
  });

  it.each([
    [{ seed: 8 }, /seed 8 vs 7/],
    [{ inputs: { phpClasses: 'sha256:bbbb' } }, /PHP classes sha256:bbbb vs sha256:aaaa/],
    [{ inputs: { paymentServiceContract: 'deployed' } }, /payment-service contract deployed vs default/],
    [{ inputs: { suites: ['health'] } }, /suites health vs all/],
    [{ inputs: { sellers: [121038] } }, /sellers 121038 vs all/],
    [{ inputs: { acceptedFindings: {} } }, /accepted findings differ/],
    [{ inputs: { ci: 'github:shop/site#2' } }, /CI pipeline github:shop\/site#2 vs none/],
  ])('are refused when named together from different runs (%j)', (other, message) => {
    const first = shard(1, 2, ['routing'], { ...other, finishedAt: '2026-11-26T07:00:00.000Z' });
    const second = shard(2, 2, ['health']);
    const refuse = () => chooseShards([first, second], 'all');
    expect(refuse).toThrow(MergeRefusal);
    expect(refuse).toThrow(message);
    expect(refuse).toThrow(
      /reports\/run-1-of-2 \(shard 1\/2\) and reports\/run-2-of-2 \(shard 2\/2\) are not shards of one run/,
    );
  });

  it('are refused when split differently', () => {
    expect(() => chooseShards([shard(1, 2, ['routing']), shard(2, 3, ['health'])], 'all')).toThrow(
      /2 shards vs 3|3 shards vs 2/,
    );
  });

  it("found in a reports dir: the run of the newest shard, its shards' newest results", () => {
    const old = { finishedAt: '2026-11-25T07:00:00.000Z' };
    const results = [
      shard(1, 2, ['routing'], { ...old, runId: 'old-1', inputs: { phpClasses: 'sha256:old' } }),
      shard(2, 2, ['health'], { ...old, runId: 'old-2', inputs: { phpClasses: 'sha256:old' } }),
      shard(1, 2, ['routing'], { runId: 'new-1', finishedAt: '2026-11-26T07:20:00.000Z' }),
      shard(1, 2, ['routing'], { runId: 'earlier-1', finishedAt: '2026-11-26T07:05:00.000Z' }),
      shard(2, 2, ['health'], { runId: 'new-2', finishedAt: '2026-11-26T07:10:00.000Z' }),
      // The same run reached twice (a copy of its folder) is no earlier run.
      shard(2, 2, ['health'], { runId: 'new-2', finishedAt: '2026-11-26T07:10:00.000Z' }),
    ];
    const chosen = chooseShards(results, 'newest');
    expect(chosen.shards.map(({ report }) => report.runId)).toEqual(['new-1', 'new-2']);
    expect(chosen.passedOver.map(({ report }) => report.runId)).toEqual(['earlier-1']);
    expect(chosen.otherRuns.map(({ report }) => report.runId).sort()).toEqual(['old-1', 'old-2']);
  });

  it("re-rendered later, keep the config's accepted defects", () => {
    const merged = mergeShards([shard(1, 1, ['contract'])], 'run-merged');
    const readBack = reassess(JSON.parse(JSON.stringify(merged)) as RunReport);
    expect(judged(readBack)).toEqual(judged(merged));
    expect(readBack.defects.find((group) => group.accepted)?.key).toBe(
      'not-implemented:ApiClient::createRemotePay',
    );
  });
});
