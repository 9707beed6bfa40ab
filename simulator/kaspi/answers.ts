/**
 * The bodies of the two hot Kaspi routes (`qr/create`, `payment/status`) as plain functions that
 * return `{ httpStatus, body }`. The msw handlers wrap them in a Response; the fast path
 * (fast-path.ts) serializes them directly. One implementation, two transports, so the fast path
 * cannot drift from the msw definition.
 */
import type { z } from 'zod';
import { firstInvalidField, qrCreateRequest, qrCreateRequestR3 } from './schemas.ts';
import { behaviour, paymentMethods, type KaspiState } from './state.ts';
import { StatusCode } from './status-codes.ts';
import type { Purchase, Scheme } from './types.ts';

export type JsonObject = Record<string, unknown>;

export interface PlainAnswer {
  httpStatus: number;
  body: JsonObject;
  /** The purchase the answer is about, when there is one (for journaling without re-parsing). */
  purchase?: Purchase;
}

export function plainAnswer(
  statusCode: number,
  message: string,
  data?: unknown,
  httpStatus = 200,
): PlainAnswer {
  const body: JsonObject = { StatusCode: statusCode, Message: message };
  if (data !== undefined) body.Data = data;
  return { httpStatus, body };
}

export const notAJsonObjectAnswer = (): PlainAnswer =>
  plainAnswer(StatusCode.unavailable, 'Request body must be a JSON object', undefined, 400);

/** Parses a body; `undefined` when it is not a JSON object (empty, malformed, array, scalar). */
export function parseJsonObject(text: string): JsonObject | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? (parsed as JsonObject)
    : undefined;
}

/**
 * Validation failures answer with the code Kaspi uses for the business meaning of the field (a
 * missing DeviceToken is "device not found", a bad Amount is "wrong amount"), so clients exercise
 * the same branches they would against the bank. Fields without a natural code get -999.
 */
export type FieldCodes = Record<string, number>;

export function invalidAnswer(error: z.ZodError, codes: FieldCodes): PlainAnswer {
  const field = firstInvalidField(error);
  const code = (field !== undefined ? codes[field] : undefined) ?? StatusCode.unavailable;
  return plainAnswer(code, field !== undefined ? `Invalid or missing field ${field}` : 'Invalid request');
}

export const purchaseFieldCodes: FieldCodes = {
  DeviceToken: StatusCode.deviceNotFound,
  OrganizationBin: StatusCode.deviceNotFound,
  Amount: StatusCode.wrongAmount,
};

/** The r3 `OrganizationBin` of a validated body; r1/r2 bodies have none. */
export function binOf(body: object): string | undefined {
  const value: unknown = (body as { OrganizationBin?: unknown }).OrganizationBin;
  return typeof value === 'string' ? value : undefined;
}

export function parseId(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d{1,15}$/.test(text)) return undefined;
  return Number(text);
}

/** `POST /{scheme}/v01/qr/create` and `qr/create-link`. */
export function qrCreateAnswer(
  state: KaspiState,
  scheme: Scheme,
  kind: 'qr' | 'link',
  bodyText: string,
): PlainAnswer {
  const body = parseJsonObject(bodyText);
  if (!body) return notAJsonObjectAnswer();
  const parsed = (scheme === 'r3' ? qrCreateRequestR3 : qrCreateRequest).safeParse(body);
  if (!parsed.success) return invalidAnswer(parsed.error, purchaseFieldCodes);
  const input = parsed.data;
  const outcome = state.createPurchase(kind, scheme, {
    deviceToken: input.DeviceToken,
    amount: input.Amount,
    externalId: input.ExternalId ?? null,
    organizationBin: binOf(input),
  });
  if (!outcome.ok) return plainAnswer(outcome.statusCode, outcome.message);
  const { purchase, qrToken, paymentLink, expireDate } = outcome.value;
  const answer =
    kind === 'qr'
      ? plainAnswer(StatusCode.ok, 'OK', {
          QrToken: qrToken,
          ExpireDate: expireDate,
          QrPaymentId: purchase.qrPaymentId,
          PaymentMethods: paymentMethods,
          QrPaymentBehaviorOptions: {
            StatusPollingInterval: behaviour.statusPollingInterval,
            QrCodeScanWaitTimeout: behaviour.scanWaitTimeout,
            PaymentConfirmationTimeout: behaviour.paymentConfirmationTimeout,
          },
        })
      : plainAnswer(StatusCode.ok, 'OK', {
          PaymentLink: paymentLink,
          ExpireDate: expireDate,
          PaymentId: purchase.qrPaymentId,
          PaymentMethods: paymentMethods,
          PaymentBehaviorOptions: {
            StatusPollingInterval: behaviour.statusPollingInterval,
            LinkActivationWaitTimeout: behaviour.scanWaitTimeout,
            PaymentConfirmationTimeout: behaviour.paymentConfirmationTimeout,
          },
        });
  return { ...answer, purchase };
}

/** `GET /{scheme}/v01/payment/status/{id}`; `idText` is the raw path parameter. */
export function paymentStatusAnswer(state: KaspiState, idText: unknown): PlainAnswer {
  const id = parseId(idText);
  const outcome = id === undefined ? undefined : state.status(id);
  if (!outcome) return plainAnswer(StatusCode.purchaseNotFound, 'Purchase not found');
  if (!outcome.ok) return plainAnswer(outcome.statusCode, outcome.message);
  return plainAnswer(StatusCode.ok, 'OK', { Status: outcome.value });
}
