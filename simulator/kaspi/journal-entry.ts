/**
 * Turns an HTTP exchange into a journal entry: who (BIN, device, trade point) asked what, and what
 * Kaspi answered, plus near-miss hints for requests that missed. It reads the raw bodies, so it works
 * the same for any adapter; the fast path may pass what it already knows to skip the parsing.
 */
import type { Exchange } from './http-adapter.ts';
import { endpointHints, fieldHints, isExactRoute, type RouteInfo } from './near-miss.ts';
import type { KaspiState } from './state.ts';
import type { JournalEntry, Scheme } from './types.ts';

export function parseObject(text: string): Record<string, unknown> | undefined {
  if (text === '') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const asString = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const asNumber = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

function idOf(value: unknown): number | null {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  return null;
}

export interface Attribution {
  organizationBin: string | null;
  deviceToken: string | null;
  tradePointId: number | null;
}

/**
 * Who a request is about: the BIN it named (r3 body or path), else the owner of the purchase or
 * device it used. Faults matched by BIN use it before the answer exists (no `response`).
 */
export function attribute(
  state: KaspiState,
  path: string,
  request: Record<string, unknown> | undefined,
  response?: Record<string, unknown>,
): Attribution {
  const data = response?.Data;
  const dataObject =
    typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : undefined;

  let organizationBin = asString(request?.OrganizationBin);
  let deviceToken = asString(request?.DeviceToken);
  let tradePointId = asNumber(request?.TradePointId);

  const binInPath = /\/partner\/tradepoints\/([^/]+)$/.exec(path);
  if (binInPath?.[1] !== undefined) organizationBin = safeDecode(binInPath[1]);

  // Requests that name a purchase (status, emulators) or created one: attribute them to its owner.
  const statusId = /\/payment\/status\/([^/]+)$/.exec(path)?.[1];
  const purchaseId =
    idOf(statusId) ??
    idOf(request?.qrPaymentId) ??
    idOf(request?.QrPaymentId) ??
    idOf(dataObject?.QrPaymentId) ??
    idOf(dataObject?.PaymentId);
  const purchase = purchaseId !== null ? state.purchase(purchaseId) : undefined;
  if (purchase) {
    organizationBin ??= purchase.organizationBin;
    deviceToken ??= purchase.deviceToken;
    tradePointId ??= purchase.tradePointId;
  }
  if (deviceToken !== null) {
    const device = state.device(deviceToken);
    if (device) {
      organizationBin ??= device.organizationBin;
      tradePointId ??= device.tradePointId;
    }
  }
  return { organizationBin, deviceToken, tradePointId };
}

function queryObject(query: string): Record<string, unknown> | undefined {
  if (query === '') return undefined;
  const params = new URLSearchParams(query);
  const token = params.get('deviceToken') ?? params.get('DeviceToken');
  return token === null ? undefined : { DeviceToken: token };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function journalEntryFor(
  state: KaspiState,
  exchange: Exchange,
  routes: readonly RouteInfo[] = [],
): JournalEntry {
  const schemeMatch = /^\/(r[123])\/v0\d\//.exec(exchange.path);
  const scheme = (schemeMatch?.[1] as Scheme | undefined) ?? null;
  // The fast path already knows who asked and what it answered: skip re-parsing both bodies.
  const known = exchange.known;
  // A GET names its device in the query (remote/client-info?deviceToken=, payment/details?DeviceToken=).
  const request =
    known?.statusCode === 0 ? undefined : (parseObject(exchange.requestBody) ?? queryObject(exchange.query));
  const response = known ? undefined : parseObject(exchange.responseBody);
  const who = known ?? attribute(state, exchange.path, request, response);
  const statusCode = known ? known.statusCode : asNumber(response?.StatusCode);

  const entry: JournalEntry = {
    time: new Date(exchange.startedAt).toISOString(),
    scheme,
    method: exchange.method,
    path: exchange.path,
    organizationBin: who.organizationBin,
    deviceToken: who.deviceToken,
    tradePointId: who.tradePointId,
    httpStatus: exchange.httpStatus,
    statusCode,
    latencyMs: Math.round(exchange.latencyMs * 1000) / 1000,
  };
  if (exchange.fault !== undefined) entry.fault = exchange.fault;
  // Hints only for answers that failed: a success needs none, and the hot path stays cheap.
  // msw forgives a trailing slash and path casing (so may Kaspi's router); the hint still says so.
  const offTemplate =
    exchange.unmatched === true ||
    (!known && routes.length > 0 && !isExactRoute(routes, exchange.method, exchange.path));
  const hints = [
    ...(offTemplate ? endpointHints(routes, exchange.method, exchange.path) : []),
    ...(statusCode !== 0 && request ? fieldHints(request, response?.Message) : []),
  ];
  if (hints.length > 0) entry.nearMiss = hints;
  return entry;
}
