/**
 * The run's verdict, root causes and defects as CI and QA read them: failed checks grouped by cause,
 * a defect failing a run whose checks all passed unless the team accepted it by key, and a summary
 * that names the defects and the causes before the matrix.
 */
import { describe, expect, it } from 'vitest';
import { sellers } from '../../fixtures/organizations.ts';
import { causes } from '../support/causes.ts';
import type { Finding } from '../support/findings.ts';
import { assessRun, reassess, reportSchemaVersion, type ReportedTest, type RunReport } from './model.ts';
import { renderSummary } from './summary.ts';

const drift: Finding = {
  suite: 'routing',
  key: 'drift:GET /api/payment/config',
  severity: 'defect',
  message: 'The Bitrix client calls GET /api/payment/config, which the "deployed" contract does not serve.',
};

const check = (
  name: string,
  state: ReportedTest['state'],
  extra: Partial<ReportedTest> = {},
): ReportedTest => ({
  name,
  file: 'scenarios/routing.test.ts',
  state,
  durationMs: 1,
  errors: state === 'failed' ? [`AssertionError: ${name} 121038 failed`] : [],
  ...extra,
});

const routing = (seller: (typeof sellers)[number], verdict: 'astray' | 'correct') => ({
  scenario: 'routing: QR',
  sellerName: seller.name,
  shopId: seller.shopId,
  sellerBin: seller.bin,
  expectedBin: seller.bin,
  receivedBin: verdict === 'correct' ? seller.bin : sellers[0]!.bin,
  receivedToken: null,
  verdict,
  passed: verdict === 'correct',
  reason: verdict === 'correct' ? 'ok' : `money landed on ${sellers[0]!.bin}`,
  qrPaymentId: 1,
  orderId: 1,
  amount: 1,
  durationMs: 1,
});

describe('a run assessed from its checks', () => {
  it('groups failed checks by root cause, most checks first, with their sellers', () => {
    const tests = [
      check('a', 'failed', { cause: causes.paidDefaultShop(), routing: routing(sellers[1]!, 'astray') }),
      check('b', 'failed', { cause: causes.paidDefaultShop(), routing: routing(sellers[2]!, 'astray') }),
      check('c', 'failed', { cause: causes.kaspiAnswerUnread() }),
      check('d', 'passed'),
    ];
    const { causes: groups, verdict } = assessRun(tests);
    expect(verdict).toBe('fail');
    expect(groups.map((group) => [group.key, group.checks])).toEqual([
      ['paid-default-shop', 2],
      ['kaspi-answer-unread', 1],
    ]);
    expect(groups[0]!.sellers).toEqual([
      `${sellers[1]!.name} (${sellers[1]!.shopId})`,
      `${sellers[2]!.name} (${sellers[2]!.shopId})`,
    ]);
  });

  it('groups checks that named no cause by their first error line, numbers blanked', () => {
    const { causes: groups } = assessRun([check('x', 'failed'), check('x', 'failed')]);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ hop: 'check', checks: 2, what: 'AssertionError: x … failed' });
  });

  it('fails a run whose checks all passed on a defect, and passes it once the defect is accepted with a reason', () => {
    const tests = [check('a', 'passed', { findings: [drift] }), check('b', 'passed', { findings: [drift] })];
    expect(assessRun(tests)).toMatchObject({ verdict: 'fail', defects: [{ key: drift.key, checks: 2 }] });
    const accepted = assessRun(tests, { [drift.key]: 'the deployed service is being replaced this week' });
    expect(accepted.verdict).toBe('pass');
    expect(accepted.defects[0]!.accepted).toBe('the deployed service is being replaced this week');
    expect(assessRun([check('a', 'passed', { findings: [{ ...drift, severity: 'info' }] })]).verdict).toBe(
      'pass',
    );
  });

  it('re-assesses a results.json written without causes and defects, keeping accepted ones', () => {
    const old = {
      schemaVersion: 1,
      runId: 'r',
      startedAt: '',
      finishedAt: '',
      seed: 1,
      verdict: 'pass',
      totals: {},
      tests: [check('a', 'passed', { findings: [drift] })],
    } as unknown as RunReport;
    expect(reassess(old)).toMatchObject({ schemaVersion: reportSchemaVersion, verdict: 'fail' });
  });
});

/** A run of these checks, assessed as the reporter does. */
const runOf = (tests: ReportedTest[]): RunReport => ({
  schemaVersion: reportSchemaVersion,
  runId: 'r',
  startedAt: '',
  finishedAt: '',
  seed: 1,
  ...assessRun(tests),
  tests,
});

describe('the terminal summary', () => {
  it('lists the defects first, then the root causes with their fix, then the matrix and the verdict', () => {
    const tests = [
      check('a', 'failed', { cause: causes.paidDefaultShop(), routing: routing(sellers[1]!, 'astray') }),
      check('b', 'passed', { findings: [drift], routing: routing(sellers[0]!, 'correct') }),
    ];
    const text = renderSummary(runOf(tests), { color: false, reportDir: 'reports/r' });
    const at = (needle: string) => text.indexOf(needle);
    expect(at('DEFECTS')).toBeGreaterThanOrEqual(0);
    expect(at('DEFECTS')).toBeLessThan(at('ROOT CAUSES'));
    expect(at('ROOT CAUSES')).toBeLessThan(at('routing: QR'));
    expect(text).toContain('fix: find the seller of the order itself');
    expect(text).toContain(
      `FAIL — 1 of 2 checks failed (1 root cause); 1 defect not accepted. Money went to a wrong organization for: ${sellers[1]!.name} (${sellers[1]!.shopId}).`,
    );
  });

  it('names no seller when only a check that placed no payment failed', () => {
    const tests = [
      check('cache expiry', 'failed'),
      check('b', 'passed', { routing: routing(sellers[0]!, 'correct') }),
    ];
    const text = renderSummary(runOf(tests), { color: false, reportDir: 'r' });
    expect(text).toContain('FAIL — 1 of 2 checks failed (1 root cause).');
    expect(text).not.toMatch(/Money went|Diverted|Not paid/);
  });

  it('passes a run of checks that route no payment by its checks, not as "0 payments"', () => {
    const tests = [check('health answers', 'passed'), check('health times out', 'passed')];
    const text = renderSummary(runOf(tests), { color: false, reportDir: 'r' });
    expect(text).toContain('PASS — 2 checks passed; none of them routes a payment.');
    expect(text).not.toContain('0 payments');
  });
});
