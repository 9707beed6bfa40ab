/**
 * The dashboard: one self-contained HTML page (no external assets: the network here is closed)
 * served on the control port. It polls the control API and shows, per organization (BIN), the
 * purchases and refunds with their statuses, plus the newest journal entries.
 *
 * Everything from the wire is inserted with textContent, never innerHTML: journal paths and
 * external ids are whatever a client sent, and the page must not run them.
 */
const style = `
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1rem 2rem; color: #1b1b1b; background: #fafafa; }
  h1 { font-size: 1.3rem; margin: 0 0 .25rem; }
  h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
  .meta { color: #555; margin-bottom: 1rem; }
  table { border-collapse: collapse; width: 100%; background: #fff; margin-bottom: .5rem; }
  th, td { border: 1px solid #ddd; padding: .2rem .5rem; text-align: left; vertical-align: top; }
  th { background: #f0f0f0; }
  .org { border: 1px solid #ccc; border-radius: 6px; padding: .5rem 1rem; margin-bottom: 1rem; background: #fff; }
  .org h3 { margin: .25rem 0; font-size: 1rem; }
  .Processed, .ok { color: #0a7a2f; font-weight: 600; }
  .Error, .bad { color: #b00020; font-weight: 600; }
  .Wait, .QrTokenCreated { color: #8a6100; font-weight: 600; }
  .empty { color: #777; font-style: italic; }
  .hint { color: #6a3fb5; }
`;

const script = `
'use strict';
const $ = (id) => document.getElementById(id);
function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}
function table(headers, rows, testId) {
  const t = el('table');
  if (testId) t.dataset.testid = testId;
  const head = el('tr');
  for (const h of headers) head.appendChild(el('th', h));
  t.appendChild(head);
  for (const row of rows) {
    const tr = el('tr');
    for (const cell of row.cells) tr.appendChild(el('td', cell.text, cell.className));
    for (const [k, v] of Object.entries(row.data || {})) tr.dataset[k] = v;
    t.appendChild(tr);
  }
  return t;
}
async function get(path) {
  const response = await fetch(path, { cache: 'no-store' });
  if (!response.ok) return undefined;
  return response.json();
}
function renderOrganizations(ledger, purchases, refunds) {
  const root = $('organizations');
  root.replaceChildren();
  for (const row of ledger) {
    const box = el('section', undefined, 'org');
    box.dataset.bin = row.organizationBin;
    box.appendChild(el('h3', 'BIN ' + row.organizationBin));
    box.appendChild(el('div', 'purchases: ' + row.purchases + ' · processed: ' + row.processedAmount +
      ' · pending: ' + row.pendingAmount + (row.refundedAmount !== undefined ? ' · refunded: ' + row.refundedAmount : '')));
    const own = purchases.filter((p) => p.organizationBin === row.organizationBin);
    if (own.length === 0) box.appendChild(el('div', 'no purchases', 'empty'));
    else box.appendChild(table(['QrPaymentId', 'scheme', 'kind', 'amount', 'status', 'externalId', 'trade point', 'created'],
      own.map((p) => ({
        data: { qrPaymentId: String(p.qrPaymentId), status: p.status },
        cells: [{ text: p.qrPaymentId }, { text: p.scheme }, { text: p.kind }, { text: p.amount },
          { text: p.status, className: p.status }, { text: p.externalId ?? '' }, { text: p.tradePointId }, { text: p.createdAt }],
      })), 'purchases'));
    const ownRefunds = (refunds || []).filter((r) => r.organizationBin === row.organizationBin);
    if (ownRefunds.length > 0) box.appendChild(table(['ReturnOperationId', 'QrPaymentId', 'scheme', 'amount', 'created'],
      ownRefunds.map((r) => ({
        data: { returnOperationId: String(r.returnOperationId) },
        cells: [{ text: r.returnOperationId }, { text: r.qrPaymentId }, { text: r.scheme }, { text: r.amount }, { text: r.createdAt }],
      })), 'refunds'));
    root.appendChild(box);
  }
}
function renderJournal(entries) {
  const rows = entries.slice().reverse().map((e) => ({
    data: { path: e.path },
    cells: [{ text: e.time }, { text: e.method }, { text: e.path }, { text: e.organizationBin ?? '' },
      { text: e.deviceToken ?? '' }, { text: e.tradePointId ?? '' }, { text: e.httpStatus },
      { text: e.statusCode ?? '', className: e.statusCode === 0 ? 'ok' : 'bad' }, { text: e.latencyMs },
      { text: e.fault ?? '' }, { text: (e.nearMiss || []).join('; '), className: 'hint' }],
  }));
  $('journal').replaceChildren(table(['time', 'method', 'path', 'BIN', 'device token', 'trade point', 'HTTP',
    'StatusCode', 'ms', 'fault', 'near miss'], rows, 'journal'));
}
async function refresh() {
  try {
    const [info, ledger, purchases, refunds, journal] = await Promise.all([
      get('/control/info'), get('/control/ledger'), get('/control/purchases'), get('/control/refunds'),
      get('/control/journal?limit=' + $('limit').value),
    ]);
    if (info) $('meta').textContent = 'Kaspi API: ' + info.kaspiUrl + ' · journal ' + info.journalSize + '/' +
      info.journalCapacity + ' (' + info.journalTotal + ' recorded) · faults: ' + info.faults;
    if (ledger && purchases) renderOrganizations(ledger.ledger, purchases.purchases, refunds && refunds.refunds);
    if (journal) renderJournal(journal.entries);
    $('status').textContent = 'updated ' + new Date().toLocaleTimeString();
  } catch (error) {
    $('status').textContent = 'simulator unreachable: ' + error;
  }
}
refresh();
setInterval(refresh, 1000);
`;

export const dashboardHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Kaspi simulator</title>
<style>${style}</style>
</head>
<body>
<h1>Kaspi simulator</h1>
<div class="meta"><span id="meta"></span> · <span id="status">loading…</span>
 · <a href="/control/journal/download">download journal</a> · <a href="/openapi.json">OpenAPI</a></div>
<h2>Organizations</h2>
<div id="organizations"></div>
<h2>Journal <small>(newest first, last <select id="limit"><option>50</option><option>200</option><option>1000</option></select>)</small></h2>
<div id="journal"></div>
<script>${script}</script>
</body>
</html>
`;
