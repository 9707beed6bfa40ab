/**
 * The dashboard: one self-contained HTML page (no external assets: the network here is closed)
 * served on the control port. It polls the control API and shows, per organization (BIN), the
 * purchases and refunds with their statuses, plus the newest journal entries. Every BIN carries its
 * organization's name (`GET /control/organizations`); the marketplace's fallback BIN is marked, and
 * a BIN no organization has is shown as unknown.
 *
 * It also acts as the customer's phone: per purchase, the emulator transitions its status accepts
 * (read off the purchase book's table, not restated here), each a `POST
 * /control/purchases/:id/:transition`, which runs `KaspiState.emulate` like `/test/payment/*`.
 *
 * Everything from the wire is inserted with textContent, never innerHTML: journal paths and
 * external ids are whatever a client sent, and the page must not run them.
 */
import type { Transition } from '../endpoints.ts';
import { transitionsByStatus } from '../purchase-book.ts';

/** What the customer's phone does, as the buttons say it. */
const actionLabels: Record<Transition, string> = {
  scan: 'Scan',
  confirm: 'Confirm',
  scanerror: 'Scan error',
  confirmerror: 'Confirm error',
};

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
  .org.fallback { border: 3px solid #b00020; background: #fff3f3; }
  .fallback-note { color: #b00020; font-weight: 600; }
  .org-name { font-weight: 600; margin-left: .4em; }
  .badge { display: inline-block; margin-left: .5em; padding: 0 .4em; border-radius: 4px; font-size: .85em; font-weight: 600; }
  .badge.fallback { background: #b00020; color: #fff; }
  .badge.unknown { border: 1px dashed #6a3fb5; color: #6a3fb5; }
  td.phone button { margin: 0 .25em .25em 0; }
  .result { font-size: .9em; }
`;

const script = `
'use strict';
const phoneActions = ${JSON.stringify(transitionsByStatus())};
const actionLabels = ${JSON.stringify(actionLabels)};
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
    for (const cell of row.cells) {
      if (cell.node) tr.appendChild(cell.node);
      else tr.appendChild(el('td', cell.text, cell.className));
    }
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
/** BIN → { name, fallback } from /control/organizations. */
let directory = new Map();
function binTag(bin) {
  const entry = directory.get(bin);
  const role = entry ? (entry.fallback ? 'fallback' : 'seller') : 'unknown';
  const tag = el('span', undefined, 'bin');
  tag.dataset.bin = bin;
  tag.dataset.role = role;
  tag.appendChild(el('span', bin));
  if (entry) tag.appendChild(el('span', entry.name, 'org-name'));
  if (role === 'fallback') tag.appendChild(el('span', 'marketplace fallback', 'badge fallback'));
  if (role === 'unknown') tag.appendChild(el('span', 'unknown BIN: no organization has it', 'badge unknown'));
  return tag;
}
function binCell(bin) {
  const td = el('td');
  if (bin !== null && bin !== undefined) td.appendChild(binTag(bin));
  return td;
}
function statusText(purchase) {
  return purchase.status + (purchase.errorReason ? ' (' + purchase.errorReason + ')' : '');
}

/** Purchases with a phone action in flight, and the last action's outcome per purchase. */
const busy = new Set();
const results = new Map();
async function act(qrPaymentId, action) {
  busy.add(qrPaymentId);
  renderOrganizations();
  const label = actionLabels[action];
  let result;
  try {
    const response = await fetch('/control/purchases/' + qrPaymentId + '/' + action, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', cache: 'no-store',
    });
    const answer = await response.json().catch(() => undefined);
    if (response.ok && answer && answer.purchase) result = { ok: true, text: label + ' → ' + statusText(answer.purchase) };
    else result = { ok: false, text: label + ' refused: ' +
      (answer && answer.error && answer.error.message ? answer.error.message : 'HTTP ' + response.status) };
  } catch (error) {
    result = { ok: false, text: label + ' failed: simulator unreachable (' + error + ')' };
  }
  busy.delete(qrPaymentId);
  results.set(qrPaymentId, result);
  await refresh();
}
function phoneCell(purchase) {
  const td = el('td', undefined, 'phone');
  const id = purchase.qrPaymentId;
  for (const action of phoneActions[purchase.status] || []) {
    const button = el('button', actionLabels[action]);
    button.type = 'button';
    button.dataset.action = action;
    button.disabled = busy.has(id);
    button.addEventListener('click', () => act(id, action));
    td.appendChild(button);
  }
  const result = results.get(id);
  if (result) {
    const line = el('div', result.text, 'result ' + (result.ok ? 'ok' : 'bad'));
    line.dataset.testid = 'phone-result';
    td.appendChild(line);
  }
  return td;
}

/** The newest data rendered, and what it looked like: an unchanged page is not rebuilt under the cursor. */
let shown = { ledger: [], purchases: [], refunds: [] };
let shownKey = '';
function renderOrganizations() {
  const { ledger, purchases, refunds } = shown;
  const key = JSON.stringify([shown, [...directory], [...busy], [...results]]);
  if (key === shownKey) return;
  shownKey = key;
  const root = $('organizations');
  root.replaceChildren();
  // The fallback first: money on it is what QA looks for.
  const rows = ledger.slice().sort((a, b) =>
    Number(directory.get(b.organizationBin)?.fallback ?? false) - Number(directory.get(a.organizationBin)?.fallback ?? false));
  for (const row of rows) {
    const box = el('section', undefined, 'org');
    const tag = binTag(row.organizationBin);
    box.dataset.bin = row.organizationBin;
    box.dataset.role = tag.dataset.role;
    if (tag.dataset.role === 'fallback') box.classList.add('fallback');
    const heading = el('h3', 'BIN ');
    heading.appendChild(tag);
    box.appendChild(heading);
    if (tag.dataset.role === 'fallback')
      box.appendChild(el('div', 'Money that lands here did not reach a seller.', 'fallback-note'));
    box.appendChild(el('div', 'purchases: ' + row.purchases + ' · processed: ' + row.processedAmount +
      ' · pending: ' + row.pendingAmount + (row.refundedAmount !== undefined ? ' · refunded: ' + row.refundedAmount : '')));
    const own = purchases.filter((p) => p.organizationBin === row.organizationBin);
    if (own.length === 0) box.appendChild(el('div', 'no purchases', 'empty'));
    else box.appendChild(table(['QrPaymentId', 'scheme', 'kind', 'amount', 'status', 'externalId', 'trade point', 'created', "customer's phone"],
      own.map((p) => ({
        data: { qrPaymentId: String(p.qrPaymentId), status: p.status },
        cells: [{ text: p.qrPaymentId }, { text: p.scheme }, { text: p.kind }, { text: p.amount },
          { text: statusText(p), className: p.status }, { text: p.externalId ?? '' }, { text: p.tradePointId },
          { text: p.createdAt }, { node: phoneCell(p) }],
      })), 'purchases'));
    const ownRefunds = refunds.filter((r) => r.organizationBin === row.organizationBin);
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
    cells: [{ text: e.time }, { text: e.method }, { text: e.path }, { node: binCell(e.organizationBin) },
      { text: e.deviceToken ?? '' }, { text: e.tradePointId ?? '' }, { text: e.httpStatus },
      { text: e.statusCode ?? '', className: e.statusCode === 0 ? 'ok' : 'bad' }, { text: e.latencyMs },
      { text: e.fault ?? '' }, { text: (e.nearMiss || []).join('; '), className: 'hint' }],
  }));
  $('journal').replaceChildren(table(['time', 'method', 'path', 'BIN', 'device token', 'trade point', 'HTTP',
    'StatusCode', 'ms', 'fault', 'near miss'], rows, 'journal'));
}
/** Refreshes may overlap (a poll and an action's): an older one that answers last is dropped. */
let started = 0;
let rendered = 0;
async function refresh() {
  const turn = ++started;
  try {
    const [info, organizations, ledger, purchases, refunds, journal] = await Promise.all([
      get('/control/info'), get('/control/organizations'), get('/control/ledger'), get('/control/purchases'),
      get('/control/refunds'), get('/control/journal?limit=' + $('limit').value),
    ]);
    if (turn < rendered) return;
    rendered = turn;
    if (info) $('meta').textContent = 'Kaspi API: ' + info.kaspiUrl + ' · journal ' + info.journalSize + '/' +
      info.journalCapacity + ' (' + info.journalTotal + ' recorded) · faults: ' + info.faults;
    if (organizations) directory = new Map(organizations.organizations.map((o) => [o.bin, o]));
    if (ledger && purchases) {
      shown = { ledger: ledger.ledger, purchases: purchases.purchases, refunds: (refunds && refunds.refunds) || [] };
      renderOrganizations();
    }
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
