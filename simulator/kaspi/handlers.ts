/**
 * The Kaspi partner API as msw 2 request handlers: the simulator's definition of the bank. They run
 * unchanged in msw's own `setupServer` (in-process interception) and behind our node:http adapter.
 *
 * Answers follow Kaspi's envelope, always HTTP 200 `{StatusCode, Message, Data}`, except a body that
 * is not a JSON object at all (HTTP 400, see README.md). Every resolver is wrapped: a simulator bug
 * becomes a -999 envelope, never a stack trace on the wire.
 */
import { http, HttpResponse, type HttpHandler } from 'msw';
import type { PlainAnswer } from './answers.ts';
import { parseId, parseJsonObject } from './answers.ts';
import {
  checkApiKey,
  checkClientCertificate,
  clientCertificateHeader,
  type ApiKeyPolicy,
  type AuthFailure,
} from './auth.ts';
import {
  endpointIds,
  endpoints,
  mswPath,
  paymentEmulators,
  returnScanEmulatorPath,
  schemes,
} from './endpoints.ts';
import { resolverFor, type Resolver } from './resolvers.ts';
import { testPaymentRequest, testReturnRequest } from './schemas.ts';
import type { KaspiState } from './state.ts';
import { StatusCode } from './status-codes.ts';
import type { Scheme } from './types.ts';

export { schemes } from './endpoints.ts';

type JsonObject = Record<string, unknown>;

export interface KaspiHandlerOptions {
  /** Schemes to serve (default all three): a per-scheme listener serves only its own. */
  schemes?: readonly Scheme[];
  /** r1: check the `Api-Key` header against this policy. Off when absent. */
  apiKey?: ApiKeyPolicy;
  /** r2/r3: require the TLS listener's verdict of a CA-signed client certificate. Off by default. */
  requireClientCertificate?: boolean;
  /** Serve the `/test/...` emulators (default true). */
  emulators?: boolean;
}

export function kaspiAnswer(statusCode: number, message: string, data?: unknown, httpStatus = 200): Response {
  const body: JsonObject = { StatusCode: statusCode, Message: message };
  if (data !== undefined) body.Data = data;
  return HttpResponse.json(body, { status: httpStatus });
}

const toResponse = (answer: PlainAnswer): Response =>
  HttpResponse.json(answer.body, { status: answer.httpStatus });

/** The test emulators answer with a lowercase `message`, unlike the partner API. */
function emulatorAnswer(statusCode: number, message: string, httpStatus = 200): Response {
  return HttpResponse.json({ StatusCode: statusCode, message }, { status: httpStatus });
}

async function safely(run: () => Promise<Response> | Response): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    // The operator sees the bug; the client sees only a Kaspi-shaped failure.
    console.error('[kaspi-simulator] handler failed:', error);
    return kaspiAnswer(StatusCode.unavailable, 'Internal simulator error', undefined, 500);
  }
}

function authFailure(
  scheme: Scheme,
  request: Request,
  options: KaspiHandlerOptions,
): AuthFailure | undefined {
  if (scheme === 'r1')
    return options.apiKey ? checkApiKey(options.apiKey, request.headers.get('api-key')) : undefined;
  return options.requireClientCertificate
    ? checkClientCertificate(request.headers.get(clientCertificateHeader))
    : undefined;
}

function endpointHandlers(state: KaspiState, scheme: Scheme, options: KaspiHandlerOptions): HttpHandler[] {
  return endpointIds
    .filter((id) => endpoints[id].schemes.includes(scheme))
    .map((id) => {
      const endpoint = endpoints[id];
      const resolve: Resolver = resolverFor(state, scheme, id);
      return http[endpoint.method](mswPath(scheme, endpoint), ({ request, params }) =>
        safely(async () => {
          const denied = authFailure(scheme, request, options);
          if (denied) return kaspiAnswer(denied.statusCode, denied.message);
          return toResponse(await resolve({ request, params, url: new URL(request.url) }));
        }),
      );
    });
}

const emulatorMessages = {
  scan: 'Payment scanned',
  confirm: 'Payment confirmed',
  scanerror: 'Scan error emulated',
  confirmerror: 'Confirm error emulated',
} as const;

/**
 * `denied`: the listener's own authentication, as on Kaspi's test host, where the emulators sit on
 * each scheme's port behind that scheme's Api-Key or client certificate.
 */
function emulatorHandlers(
  state: KaspiState,
  denied: (request: Request) => AuthFailure | undefined,
): HttpHandler[] {
  const notAnObject = () => emulatorAnswer(StatusCode.unavailable, 'Body must be a JSON object', 400);
  const payments = paymentEmulators.map((transition) =>
    http.post(`*/test/payment/${transition}`, ({ request }) =>
      safely(async () => {
        const refused = denied(request);
        if (refused) return emulatorAnswer(refused.statusCode, refused.message);
        const body = parseJsonObject(await request.text());
        if (!body) return notAnObject();
        const parsed = testPaymentRequest.safeParse(body);
        const id = parsed.success ? parseId(parsed.data.qrPaymentId) : undefined;
        if (id === undefined) return emulatorAnswer(StatusCode.purchaseNotFound, 'Purchase not found');
        const outcome = state.emulate(transition, id);
        if (!outcome.ok) return emulatorAnswer(outcome.statusCode, outcome.message);
        return emulatorAnswer(StatusCode.ok, emulatorMessages[transition]);
      }),
    ),
  );
  const returnScan = http.post(`*${returnScanEmulatorPath}`, ({ request }) =>
    safely(async () => {
      const refused = denied(request);
      if (refused) return emulatorAnswer(refused.statusCode, refused.message);
      const body = parseJsonObject(await request.text());
      if (!body) return notAnObject();
      const parsed = testReturnRequest.safeParse(body);
      const id = parsed.success ? parseId(parsed.data.qrReturnId) : undefined;
      if (id === undefined) return emulatorAnswer(StatusCode.purchaseNotFound, 'Return not found');
      const outcome = state.scanReturn(id);
      if (!outcome.ok) return emulatorAnswer(outcome.statusCode, outcome.message);
      return emulatorAnswer(StatusCode.ok, 'Return scanned');
    }),
  );
  return [...payments, returnScan];
}

/**
 * Kaspi routes for the chosen schemes plus the test emulators. With no options: every scheme, no
 * authentication, as the plain listener and in-process msw users want it. Serving one scheme (a
 * scheme listener), the emulators ask for that scheme's authentication too.
 */
export function createKaspiHandlers(state: KaspiState, options: KaspiHandlerOptions = {}): HttpHandler[] {
  const served = options.schemes ?? schemes;
  const [only] = served.length === 1 ? served : [];
  const emulatorAuth = (request: Request) =>
    only === undefined ? undefined : authFailure(only, request, options);
  return [
    ...served.flatMap((scheme) => endpointHandlers(state, scheme, options)),
    ...(options.emulators === false ? [] : emulatorHandlers(state, emulatorAuth)),
  ];
}
