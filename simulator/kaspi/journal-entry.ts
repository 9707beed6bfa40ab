/**
 * Turns an HTTP exchange into a journal entry: who (BIN, device, trade point) asked what, and what
 * Kaspi answered. It reads the raw bodies, so it works the same for msw-served and fast-path answers.
 */
import type { Exchange } from './http-adapter.ts';
import type { KaspiState } from './state.ts';
import type { JournalEntry, Scheme } from './types.ts';

function parseObject(text: string): Record<string, unknown> | undefined {
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

export function journalEntryFor(state: KaspiState, exchange: Exchange): JournalEntry {
  const schemeMatch = /^\/(r[123])\/v0\d\//.exec(exchange.path);
  const scheme = (schemeMatch?.[1] as Scheme | undefined) ?? null;
  const request = parseObject(exchange.requestBody);
  const response = parseObject(exchange.responseBody);
  const data = response?.Data;
  const dataObject =
    typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : undefined;

  let organizationBin = asString(request?.OrganizationBin);
  let deviceToken = asString(request?.DeviceToken);
  let tradePointId = asNumber(request?.TradePointId);

  const binInPath = /\/partner\/tradepoints\/([^/]+)$/.exec(exchange.path);
  if (binInPath?.[1] !== undefined) organizationBin = decodeURIComponent(binInPath[1]);

  // Requests that name a purchase (status, emulators) or created one: attribute them to its owner.
  const statusId = /\/payment\/status\/([^/]+)$/.exec(exchange.path)?.[1];
  const purchaseId =
    idOf(statusId) ??
    idOf(request?.qrPaymentId) ??
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

  return {
    time: new Date(exchange.startedAt).toISOString(),
    scheme,
    method: exchange.method,
    path: exchange.path,
    organizationBin,
    deviceToken,
    tradePointId,
    httpStatus: exchange.httpStatus,
    statusCode: asNumber(response?.StatusCode),
    latencyMs: Math.round(exchange.latencyMs * 1000) / 1000,
  };
}
