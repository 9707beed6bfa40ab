/** The terminal summary: one line per seller and scenario — expected BIN, received BIN, verdict. */
import type { Verdict } from '../support/verdict.ts';
import type { ReportedTest, RunReport } from './model.ts';

const marks: Record<Verdict, { symbol: string; label: string; color: number }> = {
  correct: { symbol: '✔', label: 'correct', color: 32 },
  diverted: { symbol: '◐', label: 'diverted to fallback', color: 33 },
  astray: { symbol: '✘', label: 'WRONG ORGANIZATION', color: 31 },
  'not-paid': { symbol: '✘', label: 'NOT PAID', color: 31 },
};

/** More payments than this and the summary shows one line per scenario (failures still in full). */
const maxDetailedPayments = 60;

export function renderSummary(report: RunReport, options: { color: boolean; reportDir: string }): string {
  const paint = (code: number, text: string) => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const routed = report.tests.filter((test) => test.routing);
  const lines: string[] = [''];
  // Up to a Phase 6 worth of payments: a line each. More (a whole catalogue): a line per scenario,
  // and a line for each payment that failed.
  const compact = routed.length > maxDetailedPayments;
  const paymentLine = (test: ReportedTest) => {
    const r = test.routing!;
    const mark = marks[r.verdict];
    // A payment the scenario expects to be refused (a Kaspi error, a mixed basket) passes as refused.
    const refused = test.state === 'passed' && r.verdict === 'not-paid';
    const verdict = refused
      ? '✔ refused, as expected'
      : test.state === 'passed'
        ? `${mark.symbol} ${mark.label}`
        : `✘ FAIL (${mark.label}): ${r.reason}`;
    const color = refused ? 32 : test.state === 'passed' ? mark.color : 31;
    return `  ${r.sellerName.padEnd(16)} ${String(r.shopId).padStart(6)}  ${r.expectedBin.padEnd(12)}  ${(r.receivedBin ?? '—').padEnd(12)}  ${paint(color, verdict)}`;
  };
  const header = `  ${'seller'.padEnd(16)} ${'shop'.padStart(6)}  ${'expected BIN'.padEnd(12)}  ${'received BIN'.padEnd(12)}  verdict`;
  for (const scenario of [...new Set(routed.map((test) => test.routing!.scenario))]) {
    const tests = routed.filter((test) => test.routing!.scenario === scenario);
    const failed = tests.filter((test) => test.state === 'failed');
    if (compact) {
      const counts = Object.entries(
        tests.reduce<Record<string, number>>((acc, test) => {
          const label =
            test.state === 'passed' && test.routing!.verdict === 'not-paid'
              ? 'refused'
              : test.routing!.verdict;
          acc[label] = (acc[label] ?? 0) + 1;
          return acc;
        }, {}),
      )
        .map(([label, count]) => `${count} ${label}`)
        .join(', ');
      const mark = failed.length ? paint(31, `✘ ${failed.length} FAILED`) : paint(32, '✔');
      lines.push(`${mark} ${scenario}: ${counts}`);
      if (failed.length) lines.push(header, ...failed.map(paymentLine));
    } else {
      lines.push(paint(1, scenario), header, ...tests.map(paymentLine));
    }
  }
  const otherFailures = report.tests.filter((test) => !test.routing && test.state === 'failed');
  if (otherFailures.length) {
    lines.push(paint(1, 'other failed checks'));
    for (const test of otherFailures)
      lines.push(`  ${paint(31, '✘')} ${test.name}: ${test.errors[0]?.split('\n')[0] ?? ''}`);
  }
  const t = report.totals;
  const astray = routed.filter((test) => test.state === 'failed').map((test) => test.routing!);
  const names = [...new Set(astray.map((r) => `${r.sellerName} (${r.shopId})`))];
  lines.push('');
  if (report.verdict === 'pass') {
    lines.push(
      paint(32, `PASS`) +
        ` — ${routed.length} payments: ${t.correct} on the seller's BIN, ${t.diverted} diverted to the fallback as documented, 0 astray.`,
    );
  } else {
    lines.push(
      paint(31, 'FAIL') +
        ` — ${t.failed} of ${t.tests} checks failed.` +
        (names.length ? ` Money went astray for: ${names.join(', ')}.` : ''),
    );
  }
  lines.push(`Report: ${options.reportDir}/ (report.html, results.json, junit.xml, logs/)`);
  return lines.join('\n');
}
