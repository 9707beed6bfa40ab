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
  binOf,
  invalidAnswer,
  plainAnswer,
  parseId,
  parseJsonObject,
  paymentStatusAnswer,
  qrCreateAnswer,
  type FieldCodes,
  type PlainAnswer,
} from './answers.ts';
import {
  deviceDeleteRequest,
  deviceDeleteRequestR3,
  deviceRegisterRequest,
  deviceRegisterRequestR3,
  testPaymentRequest,
} from './schemas.ts';
import type { KaspiState } from './state.ts';
import { StatusCode } from './status-codes.ts';
import type { Scheme } from './types.ts';

export const schemes: readonly Scheme[] = ['r1', 'r2', 'r3'];

/** Wraps a shared answer (answers.ts) in an msw Response. */
const toResponse = (answer: PlainAnswer): Response =>
  HttpResponse.json(answer.body, { status: answer.httpStatus });

export function kaspiAnswer(statusCode: number, message: string, data?: unknown, httpStatus = 200): Response {
  return toResponse(plainAnswer(statusCode, message, data, httpStatus));
}

/** The test emulators answer with a lowercase `message`, unlike the partner API. */
function emulatorAnswer(statusCode: number, message: string): Response {
  return HttpResponse.json({ StatusCode: statusCode, message });
}

const notAJsonObject = (): Response =>
  kaspiAnswer(StatusCode.unavailable, 'Request body must be a JSON object', undefined, 400);

/** Parses the body; `undefined` when it is not a JSON object (empty, malformed, array, scalar). */
const readJsonObject = async (request: Request) => parseJsonObject(await request.text());

function invalid(error: z.ZodError, codes: FieldCodes): Response {
  return toResponse(invalidAnswer(error, codes));
}

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

function purchaseHandlers(state: KaspiState, scheme: Scheme): HttpHandler[] {
  const base = `*/${scheme}/v01`;

  const create = (kind: 'qr' | 'link') =>
    guarded(async ({ request }) => toResponse(qrCreateAnswer(state, scheme, kind, await request.text())));

  return [
    http.post(`${base}/qr/create`, create('qr')),
    http.post(`${base}/qr/create-link`, create('link')),
    http.get(
      `${base}/payment/status/:id`,
      guarded(({ params }) => toResponse(paymentStatusAnswer(state, params.id))),
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
