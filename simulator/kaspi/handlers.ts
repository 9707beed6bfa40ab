/**
 * The Kaspi partner API as msw 2 request handlers: the simulator's definition of the bank. They run
 * unchanged in msw's own `setupServer` (in-process interception) and behind our node:http adapter.
 *
 * Answers follow Kaspi's envelope, always HTTP 200 `{StatusCode, Message, Data}`, except a body that
 * is not a JSON object at all (HTTP 400, see README.md). Every resolver is wrapped: a simulator bug
 * becomes a -999 envelope, never a stack trace on the wire.
 */
import { http, HttpResponse, type HttpHandler, type HttpResponseResolver } from 'msw';
import type { z } from 'zod';
import {
  deviceDeleteRequest,
  deviceDeleteRequestR3,
  deviceRegisterRequest,
  deviceRegisterRequestR3,
  firstInvalidField,
  qrCreateRequest,
  qrCreateRequestR3,
  testPaymentRequest,
} from './schemas.ts';
import { behaviour, paymentMethods, type KaspiState } from './state.ts';
import { StatusCode } from './status-codes.ts';
import type { Scheme } from './types.ts';

export const schemes: readonly Scheme[] = ['r1', 'r2', 'r3'];

type JsonObject = Record<string, unknown>;

export function kaspiAnswer(statusCode: number, message: string, data?: unknown, httpStatus = 200): Response {
  const body: JsonObject = { StatusCode: statusCode, Message: message };
  if (data !== undefined) body.Data = data;
  return HttpResponse.json(body, { status: httpStatus });
}

/** The test emulators answer with a lowercase `message`, unlike the partner API. */
function emulatorAnswer(statusCode: number, message: string): Response {
  return HttpResponse.json({ StatusCode: statusCode, message });
}

const notAJsonObject = (): Response =>
  kaspiAnswer(StatusCode.unavailable, 'Request body must be a JSON object', undefined, 400);

/** Parses the body; `undefined` when it is not a JSON object (empty, malformed, array, scalar). */
async function readJsonObject(request: Request): Promise<JsonObject | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await request.text());
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
type FieldCodes = Record<string, number>;

function invalid(error: z.ZodError, codes: FieldCodes): Response {
  const field = firstInvalidField(error);
  const code = (field !== undefined ? codes[field] : undefined) ?? StatusCode.unavailable;
  return kaspiAnswer(code, field !== undefined ? `Invalid or missing field ${field}` : 'Invalid request');
}

const purchaseFieldCodes: FieldCodes = {
  DeviceToken: StatusCode.deviceNotFound,
  OrganizationBin: StatusCode.deviceNotFound,
  Amount: StatusCode.wrongAmount,
};

const registerFieldCodes: FieldCodes = {
  TradePointId: StatusCode.tradePointNotFound,
  OrganizationBin: StatusCode.tradePointNotFound,
};

const deleteFieldCodes: FieldCodes = {
  DeviceToken: StatusCode.deviceNotFound,
  OrganizationBin: StatusCode.deviceNotFound,
};

function guarded(resolver: HttpResponseResolver): HttpResponseResolver {
  return async (info) => {
    try {
      return await resolver(info);
    } catch (error) {
      // The operator sees the bug; the client sees only a Kaspi-shaped failure.
      console.error('[kaspi-simulator] handler failed:', error);
      return kaspiAnswer(StatusCode.unavailable, 'Internal simulator error', undefined, 500);
    }
  };
}

/** The r3 `OrganizationBin` of a validated body; r1/r2 bodies have none. */
function binOf(body: object): string | undefined {
  const value: unknown = (body as { OrganizationBin?: unknown }).OrganizationBin;
  return typeof value === 'string' ? value : undefined;
}

function parseId(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d{1,15}$/.test(text)) return undefined;
  return Number(text);
}

function purchaseHandlers(state: KaspiState, scheme: Scheme): HttpHandler[] {
  const base = `*/${scheme}/v01`;
  const createSchema = scheme === 'r3' ? qrCreateRequestR3 : qrCreateRequest;

  const create = (kind: 'qr' | 'link') =>
    guarded(async ({ request }) => {
      const body = await readJsonObject(request);
      if (!body) return notAJsonObject();
      const parsed = createSchema.safeParse(body);
      if (!parsed.success) return invalid(parsed.error, purchaseFieldCodes);
      const input = parsed.data;
      const outcome = state.createPurchase(kind, scheme, {
        deviceToken: input.DeviceToken,
        amount: input.Amount,
        externalId: input.ExternalId ?? null,
        organizationBin: binOf(input),
      });
      if (!outcome.ok) return kaspiAnswer(outcome.statusCode, outcome.message);
      const { purchase, qrToken, paymentLink, expireDate } = outcome.value;
      if (kind === 'qr') {
        return kaspiAnswer(StatusCode.ok, 'OK', {
          QrToken: qrToken,
          ExpireDate: expireDate,
          QrPaymentId: purchase.qrPaymentId,
          PaymentMethods: paymentMethods,
          QrPaymentBehaviorOptions: {
            StatusPollingInterval: behaviour.statusPollingInterval,
            QrCodeScanWaitTimeout: behaviour.scanWaitTimeout,
            PaymentConfirmationTimeout: behaviour.paymentConfirmationTimeout,
          },
        });
      }
      return kaspiAnswer(StatusCode.ok, 'OK', {
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
    });

  return [
    http.post(`${base}/qr/create`, create('qr')),
    http.post(`${base}/qr/create-link`, create('link')),
    http.get(
      `${base}/payment/status/:id`,
      guarded(({ params }) => {
        const id = parseId(params.id);
        const outcome = id === undefined ? undefined : state.status(id);
        if (!outcome) return kaspiAnswer(StatusCode.purchaseNotFound, 'Purchase not found');
        if (!outcome.ok) return kaspiAnswer(outcome.statusCode, outcome.message);
        return kaspiAnswer(StatusCode.ok, 'OK', { Status: outcome.value });
      }),
    ),
  ];
}

function merchantHandlers(state: KaspiState, scheme: Scheme): HttpHandler[] {
  const base = `*/${scheme}/v01`;
  const registerSchema = scheme === 'r3' ? deviceRegisterRequestR3 : deviceRegisterRequest;
  const deleteSchema = scheme === 'r3' ? deviceDeleteRequestR3 : deviceDeleteRequest;

  const tradePoints = (bin: string | undefined) => {
    const outcome = state.tradePoints(bin);
    if (!outcome.ok) return kaspiAnswer(outcome.statusCode, outcome.message);
    return kaspiAnswer(
      StatusCode.ok,
      'OK',
      outcome.value.map((tp) => ({ TradePointId: tp.tradePointId, TradePointName: tp.tradePointName })),
    );
  };

  return [
    http.get(
      `${base}/health/ping`,
      guarded(() => kaspiAnswer(StatusCode.ok, 'OK')),
    ),
    scheme === 'r3'
      ? http.get(
          `${base}/partner/tradepoints/:bin`,
          guarded(({ params }) => tradePoints(typeof params.bin === 'string' ? params.bin : '')),
        )
      : http.get(
          `${base}/partner/tradepoints`,
          guarded(() => tradePoints(undefined)),
        ),
    http.post(
      `${base}/device/register`,
      guarded(async ({ request }) => {
        const body = await readJsonObject(request);
        if (!body) return notAJsonObject();
        const parsed = registerSchema.safeParse(body);
        if (!parsed.success) return invalid(parsed.error, registerFieldCodes);
        const outcome = state.registerDevice({
          deviceId: parsed.data.DeviceId,
          tradePointId: parsed.data.TradePointId,
          organizationBin: binOf(parsed.data),
        });
        if (!outcome.ok) return kaspiAnswer(outcome.statusCode, outcome.message);
        return kaspiAnswer(StatusCode.ok, 'OK', { DeviceToken: outcome.value.deviceToken });
      }),
    ),
    http.post(
      `${base}/device/delete`,
      guarded(async ({ request }) => {
        const body = await readJsonObject(request);
        if (!body) return notAJsonObject();
        const parsed = deleteSchema.safeParse(body);
        if (!parsed.success) return invalid(parsed.error, deleteFieldCodes);
        const outcome = state.deleteDevice({
          deviceToken: parsed.data.DeviceToken,
          organizationBin: binOf(parsed.data),
        });
        if (!outcome.ok) return kaspiAnswer(outcome.statusCode, outcome.message);
        return HttpResponse.json({ StatusCode: StatusCode.ok });
      }),
    ),
  ];
}

const emulatorMessages = {
  scan: 'Payment scanned',
  confirm: 'Payment confirmed',
  scanerror: 'Scan error emulated',
  confirmerror: 'Confirm error emulated',
} as const;

function emulatorHandlers(state: KaspiState): HttpHandler[] {
  return (Object.keys(emulatorMessages) as (keyof typeof emulatorMessages)[]).map((transition) =>
    http.post(
      `*/test/payment/${transition}`,
      guarded(async ({ request }) => {
        const body = await readJsonObject(request);
        if (!body)
          return HttpResponse.json(
            { StatusCode: StatusCode.unavailable, message: 'Body must be a JSON object' },
            { status: 400 },
          );
        const parsed = testPaymentRequest.safeParse(body);
        const id = parsed.success ? parseId(parsed.data.qrPaymentId) : undefined;
        if (id === undefined) return emulatorAnswer(StatusCode.purchaseNotFound, 'Purchase not found');
        const outcome = state.emulate(transition, id);
        if (!outcome.ok) return emulatorAnswer(outcome.statusCode, outcome.message);
        return emulatorAnswer(StatusCode.ok, emulatorMessages[transition]);
      }),
    ),
  );
}

/** Every Kaspi route the simulator serves, for all three schemes plus the test emulators. */
export function createKaspiHandlers(state: KaspiState): HttpHandler[] {
  return [
    ...schemes.flatMap((scheme) => [...purchaseHandlers(state, scheme), ...merchantHandlers(state, scheme)]),
    ...emulatorHandlers(state),
  ];
}
