/** For tests that compare reports. */
import type { RunReport } from './model.ts';

/**
 * What a reader compares between two reports of the same checks, free of the order the checks
 * finished in: the verdict, totals, each check's state, root causes and defects. Two real runs may
 * pick different failing checks as a cause's example: `examples: false` leaves the example out.
 */
export function judged(
  report: Pick<RunReport, 'verdict' | 'totals' | 'causes' | 'defects' | 'tests'>,
  options: { examples?: boolean } = {},
) {
  return {
    verdict: report.verdict,
    totals: report.totals,
    tests: report.tests.map((test) => `${test.file} › ${test.name}: ${test.state}`).sort(),
    causes: report.causes
      .map((cause) => ({
        ...cause,
        ...(options.examples === false ? { example: undefined } : {}),
        sellers: [...cause.sellers].sort(),
        scenarios: [...cause.scenarios].sort(),
      }))
      .sort((a, b) => a.key.localeCompare(b.key)),
    defects: report.defects
      .map((group) => ({ ...group, suites: [...group.suites].sort() }))
      .sort((a, b) => a.key.localeCompare(b.key)),
  };
}
