/**
 * The control API: how scenarios (often in other vitest workers) inspect and steer the simulator. It
 * listens on its own port so nothing a client under test does on the Kaspi port can reach it.
 * Answers are JSON only; errors are `{ error: { code, message } }` with a 4xx/5xx status.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Journal } from './journal.ts';
import type { KaspiState } from './state.ts';
import type { JournalFilter, PurchaseFilter } from './types.ts';

export interface ControlContext {
  state: KaspiState;
  journal: Journal;
  /** Resets the state and the journal together. */
  reset(): void;
  openApiDocument(): unknown;
}

class ControlError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, httpStatus: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(httpStatus, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 64 * 1024) throw new ControlError(413, 'body_too_large', 'Body over 64 KiB');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ControlError(400, 'invalid_json', 'Body is not valid JSON');
  }
}

function idParam(text: string | null | undefined, name: string): number | undefined {
  if (text === null || text === undefined || text === '') return undefined;
  if (!/^\d{1,15}$/.test(text))
    throw new ControlError(400, 'invalid_parameter', `${name} must be a positive integer`);
  return Number(text);
}

function purchaseFilter(query: URLSearchParams): PurchaseFilter {
  const filter: PurchaseFilter = {};
  const bin = query.get('bin');
  const externalId = query.get('externalId');
  const deviceToken = query.get('deviceToken');
  const qrPaymentId = idParam(query.get('qrPaymentId'), 'qrPaymentId');
  if (bin !== null) filter.bin = bin;
  if (externalId !== null) filter.externalId = externalId;
  if (deviceToken !== null) filter.deviceToken = deviceToken;
  if (qrPaymentId !== undefined) filter.qrPaymentId = qrPaymentId;
  return filter;
}

function journalFilter(query: URLSearchParams): JournalFilter {
  const filter: JournalFilter = {};
  const bin = query.get('bin');
  const path = query.get('path');
  const limit = idParam(query.get('limit'), 'limit');
  if (bin !== null) filter.bin = bin;
  if (path !== null) filter.path = path;
  if (limit !== undefined) filter.limit = limit;
  return filter;
}

function tradePointChange(body: unknown): { enabled?: boolean; acceptsQr?: boolean } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ControlError(400, 'invalid_body', 'Body must be a JSON object');
  }
  const change: { enabled?: boolean; acceptsQr?: boolean } = {};
  for (const key of ['enabled', 'acceptsQr'] as const) {
    const value = (body as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') throw new ControlError(400, 'invalid_body', `${key} must be a boolean`);
    change[key] = value;
  }
  return change;
}

async function route(ctx: ControlContext, req: IncomingMessage): Promise<[number, unknown]> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = req.method ?? 'GET';
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const key = `${method} ${path}`;

  if (key === 'GET /control/health') return [200, { ok: true }];
  if (key === 'GET /openapi.json') return [200, ctx.openApiDocument()];
  if (key === 'POST /control/reset') {
    ctx.reset();
    return [200, { ok: true }];
  }
  if (key === 'GET /control/purchases')
    return [200, { purchases: ctx.state.purchases(purchaseFilter(url.searchParams)) }];
  if (key === 'GET /control/journal')
    return [200, { entries: ctx.journal.entries(journalFilter(url.searchParams)) }];
  if (key === 'GET /control/ledger') return [200, { ledger: ctx.state.ledger() }];

  const purchaseMatch = /^\/control\/purchases\/([^/]+)$/.exec(path);
  if (purchaseMatch && method === 'GET') {
    const id = idParam(purchaseMatch[1], 'id');
    const purchase = id === undefined ? undefined : ctx.state.purchase(id);
    if (!purchase) throw new ControlError(404, 'not_found', `No purchase ${purchaseMatch[1] ?? ''}`);
    return [200, { purchase }];
  }
  const tradePointMatch = /^\/control\/trade-points\/([^/]+)$/.exec(path);
  if (tradePointMatch && method === 'POST') {
    const id = idParam(tradePointMatch[1], 'id');
    const change = tradePointChange(await readJson(req));
    const tradePoint = id === undefined ? undefined : ctx.state.updateTradePoint(id, change);
    if (!tradePoint) throw new ControlError(404, 'not_found', `No trade point ${tradePointMatch[1] ?? ''}`);
    return [200, { tradePoint }];
  }
  throw new ControlError(404, 'not_found', `No control route ${method} ${path}`);
}

export function createControlListener(ctx: ControlContext): RequestListener {
  return (req, res) => {
    route(ctx, req).then(
      ([status, body]) => send(res, status, body),
      (error: unknown) => {
        if (error instanceof ControlError) {
          send(res, error.httpStatus, { error: { code: error.code, message: error.message } });
          return;
        }
        console.error('[kaspi-simulator] control request failed:', error);
        send(res, 500, { error: { code: 'internal', message: 'Internal control error' } });
      },
    );
  };
}
