/**
 * report.html: one self-contained page (no server, no external assets) that answers "what is wrong,
 * and where did each seller's money go?" at a glance — the defects that fail the run and the root
 * causes of the failed checks first, then the routing matrix, findings, failures, each payment's
 * hop-by-hop trace, and the PHP log lines the payments caused.
 */
import type { Verdict } from '../support/verdict.ts';
import type { ReportedTest, RunReport } from './model.ts';
import { partLines } from './summary.ts';

const escapeHtml = (text: string) =>
  text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const verdictLabels: Record<Verdict, string> = {
  correct: 'correct',
  diverted: 'diverted to fallback',
  astray: 'wrong organization',
  'not-paid': 'not paid',
};

const styles = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1d2433;background:#fafbfc}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.badge{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:600;color:#fff}
.badge.pass{background:#1f883d}.badge.fail{background:#cf222e}
.meta{color:#57606a}
table{border-collapse:collapse;background:#fff}th,td{border:1px solid #d0d7de;padding:6px 10px;text-align:left;vertical-align:top}
th{background:#f3f4f6;font-weight:600}
td.cell{font-family:ui-monospace,monospace;text-align:center;min-width:120px}
td.correct{background:#dafbe1;color:#116329}td.diverted{background:#fff1c2;color:#7d4e00}
td.astray,td.not-paid{background:#ffd8d3;color:#a40e26;font-weight:600}
td.refused{background:#eaeef2;color:#57606a}
td.failed{outline:3px solid #cf222e;outline-offset:-3px}
td.cell small{display:block;font-family:system-ui,sans-serif;font-size:11px}
.legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px;border:1px solid #aaa}
details{background:#fff;border:1px solid #d0d7de;border-radius:6px;margin:6px 0;padding:6px 10px}
summary{cursor:pointer}pre{background:#f6f8fa;padding:8px;overflow:auto;font-size:12px}
.finding{background:#fff;border-left:4px solid #bf8700;padding:6px 10px;margin:6px 0}
.finding.defect{border-color:#cf222e}.finding.info{border-color:#8c959f}
ol#causes{padding-left:22px}ol#causes li{background:#fff;border:1px solid #d0d7de;border-left:4px solid #cf222e;border-radius:6px;margin:6px 0;padding:6px 10px}
.hop{font-family:ui-monospace,monospace;font-size:12px;background:#f3f4f6;padding:1px 6px;border-radius:4px}
.fix{color:#116329}.defect-line{margin:4px 0}.defect-line.accepted{color:#57606a}
`;

function uniqueInOrder<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

function matrix(tests: readonly ReportedTest[]): string {
  const routed = tests.filter((test) => test.routing);
  if (routed.length === 0) return '<p>No payments were placed in this run.</p>';
  const scenarios = uniqueInOrder(routed.map((test) => test.routing!.scenario));
  const sellers = uniqueInOrder(routed.map((test) => `${test.routing!.shopId}`));
  const header = scenarios.map((s) => `<th scope="col">${escapeHtml(s)}</th>`).join('');
  const rows = sellers.map((shopId) => {
    const ofSeller = routed.filter((test) => String(test.routing!.shopId) === shopId);
    const first = ofSeller[0]!.routing!;
    const cells = scenarios.map((scenario) => {
      const cellTests = ofSeller.filter((test) => test.routing!.scenario === scenario);
      if (cellTests.length === 0) return '<td class="cell" data-verdict="none">·</td>';
      // Several payments in one cell (QR and link, say): the worst one colours it.
      const worst = cellTests.find((test) => test.state === 'failed') ?? cellTests[0]!;
      const r = worst.routing!;
      const failed = cellTests.some((test) => test.state === 'failed');
      // Refused on purpose (a Kaspi error scenario): grey, not red.
      const refused = !failed && r.verdict === 'not-paid';
      const title = cellTests.map((test) => test.routing!.reason).join('\n');
      return `<td class="cell ${refused ? 'refused' : r.verdict}${failed ? ' failed' : ''}" data-scenario="${escapeHtml(scenario)}" data-verdict="${r.verdict}" data-passed="${!failed}" title="${escapeHtml(title)}">${escapeHtml(r.receivedBin ?? '—')}<small>${refused ? 'refused, as expected' : escapeHtml(verdictLabels[r.verdict])}${failed ? ' · FAIL' : ''}${cellTests.length > 1 ? ` · ${cellTests.length} payments` : ''}</small></td>`;
    });
    return `<tr data-seller="${shopId}"><th scope="row">${escapeHtml(first.sellerName)}<br><span class="meta">shop ${shopId} · BIN ${first.sellerBin}</span></th>${cells.join('')}</tr>`;
  });
  return `<table id="routing-matrix"><thead><tr><th>seller</th>${header}</tr></thead><tbody>${rows.join('')}</tbody></table>
<p class="legend"><span><i style="background:#dafbe1"></i>seller's BIN</span><span><i style="background:#fff1c2"></i>diverted to the fallback BIN</span><span><i style="background:#ffd8d3"></i>another organization, or not paid</span><span><i style="background:#eaeef2"></i>refused, as the scenario expects</span><span><i style="outline:2px solid #cf222e"></i>check failed</span></p>`;
}

function defects(report: RunReport): string {
  if (report.defects.length === 0) return '';
  const items = report.defects
    .map(
      (defect) =>
        `<li class="defect-line${defect.accepted ? ' accepted' : ''}" data-key="${escapeHtml(defect.key)}"><strong>${escapeHtml(defect.key)}</strong>: ${escapeHtml(defect.message)} <span class="meta">(${defect.checks}×, ${escapeHtml(defect.suites.join(', '))})</span>${defect.accepted ? `<br>accepted: ${escapeHtml(defect.accepted)}` : ''}</li>`,
    )
    .join('');
  return `<h2>Defects</h2><p class="meta">Each defect fails the run unless the config accepts it by key, with a reason.</p><ul id="defects">${items}</ul>`;
}

function causes(report: RunReport): string {
  if (report.causes.length === 0) return '';
  const items = report.causes
    .map(
      (cause) =>
        `<li data-key="${escapeHtml(cause.key)}"><span class="hop">${escapeHtml(cause.hop)}</span> <strong>${escapeHtml(cause.what)}</strong><br><span class="meta">${cause.checks} check${cause.checks === 1 ? '' : 's'}${cause.sellers.length ? ` · sellers: ${escapeHtml(cause.sellers.join(', '))}` : ''} · in: ${escapeHtml(cause.scenarios.join(', '))}</span><br>e.g. ${escapeHtml(cause.example.split('\n')[0] ?? '')}<br><span class="fix">fix: ${escapeHtml(cause.fix)}</span></li>`,
    )
    .join('');
  return `<h2>Root causes of the failed checks</h2><ol id="causes">${items}</ol>`;
}

function findings(tests: readonly ReportedTest[]): string {
  const all = tests.flatMap((test) => (test.findings ?? []).map((finding) => ({ finding, test })));
  if (all.length === 0) return '<p id="findings">No unexpected egress, contract drift or other findings.</p>';
  return `<div id="findings">${all
    .map(({ finding, test }) => {
      const evidence = finding.evidence
        ? `<pre>${escapeHtml(JSON.stringify(finding.evidence, null, 2))}</pre>`
        : '';
      return `<div class="finding ${finding.severity}" data-key="${escapeHtml(finding.key)}"><strong>${escapeHtml(finding.suite)} · ${finding.severity}</strong>: ${escapeHtml(finding.message)}<br><span class="meta">${escapeHtml(test.name)}</span>${evidence}</div>`;
    })
    .join('')}</div>`;
}

function failures(tests: readonly ReportedTest[]): string {
  const failed = tests.filter((test) => test.state === 'failed');
  if (failed.length === 0) return '<p>None.</p>';
  return failed
    .map(
      (test) =>
        `<details open><summary>${escapeHtml(test.name)}</summary>${test.cause ? `<p><span class="hop">${escapeHtml(test.cause.hop)}</span> ${escapeHtml(test.cause.what)}</p>` : ''}<p>${escapeHtml(test.routing?.reason ?? '')}</p>${test.errors.map((e) => `<pre>${escapeHtml(e)}</pre>`).join('')}</details>`,
    )
    .join('');
}

function payments(tests: readonly ReportedTest[]): string {
  return tests
    .filter((test) => test.routing)
    .map((test) => {
      const r = test.routing!;
      const hops = (r.trace ?? [])
        .map(
          (hop) =>
            `<tr><td>${escapeHtml(hop.at.slice(11, 23))}</td><td>${hop.from} → ${hop.to}</td><td>${escapeHtml(hop.request)}</td><td>${escapeHtml(hop.answer)}</td><td>${hop.ms} ms</td></tr>`,
        )
        .join('');
      const log = r.phpLog ? `<p>PHP log lines:</p><pre>${escapeHtml(r.phpLog)}</pre>` : '';
      return `<details class="payment" data-seller="${r.shopId}"><summary>${escapeHtml(r.scenario)} — ${escapeHtml(r.sellerName)}: ${escapeHtml(r.receivedBin ?? 'not paid')} (${verdictLabels[r.verdict]}) · ${r.durationMs} ms</summary>
<p>${escapeHtml(r.reason)}${r.qrPaymentId ? ` · Kaspi payment ${r.qrPaymentId}` : ''}${r.orderId ? ` · order ${r.orderId}` : ''}${r.amount !== null ? ` · ${r.amount} ₸` : ''} · token ${escapeHtml(r.receivedToken ?? '(none)')}</p>
${hops ? `<table><thead><tr><th>at</th><th>hop</th><th>request</th><th>answer</th><th>time</th></tr></thead><tbody>${hops}</tbody></table>` : ''}${log}</details>`;
    })
    .join('');
}

export function renderHtml(report: RunReport, options: { logFiles?: readonly string[] } = {}): string {
  const t = report.totals;
  const logs = options.logFiles?.length
    ? `<ul>${options.logFiles.map((file) => `<li><a href="${escapeHtml(file)}">${escapeHtml(file)}</a></li>`).join('')}</ul>`
    : '<p>No logs were kept.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kaspi-harness ${escapeHtml(report.runId)} — ${report.verdict.toUpperCase()}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${styles}</style></head>
<body>
<h1>Kaspi routing report <span class="badge ${report.verdict}" id="verdict">${report.verdict.toUpperCase()}</span></h1>
<p class="meta">run ${escapeHtml(report.runId)} · ${escapeHtml(report.startedAt)} → ${escapeHtml(report.finishedAt)} · seed ${report.seed ?? '—'}</p>
${partLines(report)
  .map((line) => `<p class="meta part">${escapeHtml(line)}</p>`)
  .join('')}
<p id="totals">${t.tests} checks: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped · payments: ${t.correct} on the seller's BIN, ${t.diverted} diverted to the fallback, ${t.astray} to a wrong organization, ${t['not-paid']} not paid</p>
${defects(report)}
${causes(report)}
<h2>Where the money landed</h2>
${matrix(report.tests)}
<h2>Findings</h2>
${findings(report.tests)}
<h2>Failed checks</h2>
${failures(report.tests)}
<h2>Payments, hop by hop</h2>
${payments(report.tests)}
<h2>Logs of the stack</h2>
${logs}
</body></html>
`;
}
