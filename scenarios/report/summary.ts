/**
 * The terminal summary, in the order a person acts on it: the defects that fail the run, then the
 * root causes of the failed checks (each with its count, sellers, scenarios and a fix hint), then one
 * line per seller and scenario — expected BIN, received BIN, verdict — and the closing verdict.
 */
import type { Verdict } from '../support/verdict.ts';
import { causeOf, exampleOf, type CauseGroup, type ReportedTest, type RunReport } from './model.ts';

const marks: Record<Verdict, { symbol: string; label: string; color: number }> = {
  correct: { symbol: '✔', label: 'correct', color: 32 },
  diverted: { symbol: '◐', label: 'diverted to fallback', color: 33 },
  astray: { symbol: '✘', label: 'WRONG ORGANIZATION', color: 31 },
  'not-paid': { symbol: '✘', label: 'NOT PAID', color: 31 },
};

/** More payments than this and the matrix shows one line per scenario (failures still in full). */
const maxDetailedPayments = 60;
/** More sellers or scenarios than this in a cause: the first ones and a count. */
const maxListed = 4;

const listed = (items: readonly string[], total?: number): string => {
  const shown = items.slice(0, maxListed).join(', ');
  const more = items.length - maxListed;
  return `${shown}${more > 0 ? ` and ${more} more` : ''}${total !== undefined && items.length === total ? ' (all)' : ''}`;
};

function causeLines(cause: CauseGroup, index: number, sellerCount: number): string[] {
  const sellers = cause.sellers.length ? `; sellers: ${listed(cause.sellers, sellerCount)}` : '';
  return [
    `  ${index + 1}. [${cause.hop}] ${cause.what}`,
    `     ${cause.checks} check${cause.checks === 1 ? '' : 's'}${sellers}; in: ${listed(cause.scenarios)}`,
    `     e.g. ${cause.example.split('\n')[0]!.slice(0, 300)}`,
    `     fix: ${cause.fix}`,
  ];
}

export function renderSummary(report: RunReport, options: { color: boolean; reportDir: string }): string {
  const paint = (code: number, text: string) => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const routed = report.tests.filter((test) => test.routing);
  const sellerCount = new Set(routed.map((test) => test.routing!.shopId)).size;
  const lines: string[] = [''];

  const open = report.defects.filter((defect) => !defect.accepted);
  const accepted = report.defects.filter((defect) => defect.accepted);
  if (open.length) {
    lines.push(paint(31, `DEFECTS — each fails the run (accept one by key in the config, with a reason):`));
    for (const defect of open)
      lines.push(
        `  ${paint(31, '✘')} ${defect.key}: ${defect.message} (${defect.checks}×, ${defect.suites.join(', ')})`,
      );
  }
  if (accepted.length) {
    lines.push('accepted defects:');
    for (const defect of accepted) lines.push(`  ◌ ${defect.key} — accepted: ${defect.accepted}`);
  }
  if (report.causes.length) {
    const failed = report.totals.failed;
    lines.push(
      paint(
        31,
        `ROOT CAUSES of the ${failed} failed check${failed === 1 ? '' : 's'} (${report.causes.length}):`,
      ),
    );
    report.causes.forEach((cause, index) => lines.push(...causeLines(cause, index, sellerCount)));
  }
  if (lines.length > 1) lines.push('');

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
        : r.passed
          ? // The money landed right; a later hop of the check failed.
            `✘ FAIL (${mark.label}, then: ${causeOf(test).what})`
          : `✘ FAIL (${mark.label}): ${exampleOf(test)}`;
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

  const t = report.totals;
  lines.push('');
  if (report.verdict === 'pass') {
    lines.push(
      paint(32, `PASS`) +
        (routed.length
          ? ` — ${routed.length} payments: ${t.correct} on the seller's BIN, ${t.diverted} diverted to the fallback as documented, 0 astray.`
          : ` — ${t.tests} check${t.tests === 1 ? '' : 's'} passed; none of them routes a payment.`) +
        (accepted.length ? ` ${accepted.length} accepted defect${accepted.length === 1 ? '' : 's'}.` : ''),
    );
  } else {
    const parts = [
      t.failed
        ? `${t.failed} of ${t.tests} checks failed (${report.causes.length} root cause${report.causes.length === 1 ? '' : 's'})`
        : '',
      open.length ? `${open.length} defect${open.length === 1 ? '' : 's'} not accepted` : '',
    ].filter(Boolean);
    lines.push(paint(31, 'FAIL') + ` — ${parts.join('; ')}.` + moneyLine(routed));
  }
  lines.push(...partLines(report));
  lines.push(`Report: ${options.reportDir}/ (report.html, results.json, junit.xml, logs/)`);
  return lines.join('\n');
}

/** Which share of the catalogue a shard ran, or which shards a merged report is made of. */
export function partLines(report: RunReport): string[] {
  if (report.shard) {
    const { index, count } = report.shard;
    return [
      ...(report.tests.length
        ? []
        : [`Shard ${index}/${count} had no suites to run: more shards than suites.`]),
      `Shard ${index}/${count} of the catalogue: once every shard has run, \`kaspi-harness report --merge\` makes one report of them.`,
    ];
  }
  if (report.merged) {
    const { count, shards, missing } = report.merged;
    return [
      `Merged from ${shards.length} of ${count} shards: ${shards.map((shard) => `${shard.index}/${count} (${shard.runId})`).join(', ')}.`,
      ...(missing.length
        ? [`Missing: ${missing.map((index) => `shard ${index}/${count}`).join(', ')} left no results.`]
        : []),
    ];
  }
  return [];
}

/** Whose money went where it should not, by kind; nothing when only non-routing checks failed. */
function moneyLine(routed: readonly ReportedTest[]): string {
  const sellersWith = (wanted: (test: ReportedTest) => boolean) => [
    ...new Set(
      routed
        .filter((test) => test.state === 'failed' && wanted(test))
        .map((test) => `${test.routing!.sellerName} (${test.routing!.shopId})`),
    ),
  ];
  const astray = sellersWith((test) => test.routing!.verdict === 'astray');
  const diverted = sellersWith(
    (test) => test.routing!.verdict === 'diverted' && test.routing!.expectedBin === test.routing!.sellerBin,
  );
  const unpaid = sellersWith((test) => test.routing!.verdict === 'not-paid');
  return [
    astray.length ? ` Money went to a wrong organization for: ${astray.join(', ')}.` : '',
    diverted.length ? ` Diverted to the marketplace instead of the seller for: ${diverted.join(', ')}.` : '',
    unpaid.length ? ` Not paid for: ${unpaid.join(', ')}.` : '',
  ].join('');
}
