/**
 * How the payment-service reaches Kaspi. The deployed service goes through a PHP proxy on the
 * Bitrix server (bitrix-proxy.ts); the simulator may also call the Kaspi simulator's r3 API directly.
 * Both sides of the switch implement this interface, so the routes and the poller do not care.
 */
import { randomUUID } from 'node:crypto';

export type KaspiOperation = 'create' | 'create-link' | 'status' | 'refund';

/** Who the call is for: the config's BIN and device token. */
export interface Merchant {
  organizationBin: string;
  deviceToken: string;
}

export type KaspiResult<T> =
  | { ok: true; data: T }
  | {
      ok: false;
      /** Kaspi's StatusCode; null when Kaspi could not be reached or answered no envelope. */
      statusCode: number | null;
      message: string;
    };

export interface KaspiGateway {
  /** Remote invoice to a phone number (`/r3/v01/remote/create`). */
  create(
    m: Merchant,
    input: { amount: number; phone: string; comment: string },
  ): Promise<KaspiResult<{ QrPaymentId: number }>>;
  createLink(
    m: Merchant,
    input: { amount: number; externalId?: string },
  ): Promise<KaspiResult<{ PaymentLink: string; PaymentId: number; ExpireDate: string }>>;
  status(m: Merchant, externalId: string): Promise<KaspiResult<{ Status: string }>>;
  refund(
    m: Merchant,
    input: { externalId: string; amount: number },
  ): Promise<KaspiResult<{ ReturnOperationId: number }>>;
}

/** Kaspi's envelope: HTTP 200 `{StatusCode, Message?, Data?}`. */
export function fromEnvelope<T>(status: number, text: string): KaspiResult<T> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, statusCode: null, message: `Kaspi answered HTTP ${status} with a non-JSON body` };
  }
  const envelope = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const code = typeof envelope.StatusCode === 'number' ? envelope.StatusCode : null;
  if (status !== 200 || code !== 0) {
    const message = typeof envelope.Message === 'string' ? envelope.Message : `HTTP ${status}`;
    return { ok: false, statusCode: code, message };
  }
  return { ok: true, data: (envelope.Data ?? {}) as T };
}

const timeoutMs = 10_000;

async function call<T>(url: string, init: RequestInit): Promise<KaspiResult<T>> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    return fromEnvelope<T>(response.status, await response.text());
  } catch (error) {
    return { ok: false, statusCode: null, message: `Kaspi unreachable: ${(error as Error).message}` };
  }
}

/** r3 straight to a Kaspi base URL (the simulator's, or anything speaking r3). */
export function directGateway(kaspiUrl: string): KaspiGateway {
  const base = kaspiUrl.replace(/\/+$/, '');
  const headers = (): Record<string, string> => ({
    'content-type': 'application/json',
    'x-request-id': randomUUID(),
  });
  const post = <T>(path: string, body: Record<string, unknown>) =>
    call<T>(`${base}/r3/v01${path}`, { method: 'POST', headers: headers(), body: JSON.stringify(body) });
  return {
    create: (m, input) =>
      post('/remote/create', {
        OrganizationBin: m.organizationBin,
        Amount: input.amount,
        PhoneNumber: input.phone,
        DeviceToken: m.deviceToken,
        Comment: input.comment,
      }),
    createLink: (m, input) =>
      post('/qr/create-link', {
        OrganizationBin: m.organizationBin,
        DeviceToken: m.deviceToken,
        Amount: input.amount,
        ...(input.externalId === undefined ? {} : { ExternalId: input.externalId }),
      }),
    status: (_m, externalId) =>
      call(`${base}/r3/v01/payment/status/${encodeURIComponent(externalId)}`, { headers: headers() }),
    refund: (m, input) =>
      post('/payment/return', {
        OrganizationBin: m.organizationBin,
        DeviceToken: m.deviceToken,
        QrPaymentId: Number(input.externalId),
        Amount: input.amount,
      }),
  };
}

/** No Kaspi configured: every payment route fails the way an unreachable Kaspi would. */
export const absentGateway: KaspiGateway = {
  create: () => Promise.resolve(unconfigured),
  createLink: () => Promise.resolve(unconfigured),
  status: () => Promise.resolve(unconfigured),
  refund: () => Promise.resolve(unconfigured),
};
const unconfigured = {
  ok: false,
  statusCode: null,
  message: 'Kaspi is not configured (option kaspi.url)',
} as const;
