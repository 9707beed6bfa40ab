/**
 * The report's data model: what `results.json` holds (documented in reports/README.md). Tokens are
 * masked before anything is written.
 */
import type { Finding } from '../support/findings.ts';
import type { RoutingResult, Verdict } from '../support/verdict.ts';

export const reportSchemaVersion = 1;

export interface ReportedTest {
  /** The describe block and test names, joined with " › ". */
  name: string;
  file: string;
  state: 'passed' | 'failed' | 'skipped';
  durationMs: number;
  errors: string[];
  routing?: RoutingResult;
  findings?: Finding[];
}

export interface RunReport {
  schemaVersion: typeof reportSchemaVersion;
  runId: string;
  startedAt: string;
  finishedAt: string;
  seed: number | null;
  verdict: 'pass' | 'fail';
  totals: { tests: number; passed: number; failed: number; skipped: number } & Record<Verdict, number>;
  tests: ReportedTest[];
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
