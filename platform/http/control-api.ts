/**
 * The control APIs' flavour of the router (the Kaspi simulator's, the payment-service simulator's,
 * the harness's, the egress proxy's and webhook sink's records): JSON answers, every error as
 * `{ "error": { "code": "...", "message": "<one line>" } }` with its 4xx/5xx status, bodies of
 * `bodyLimits.control` at most (413) nested no deeper than `maxJsonDepth` (400), validated by zod
 * with the field named (400), and nothing answered that a page of another origin could have sent
 * (403, platform/control-guard.ts).
 *
 *   const api = await startControlApi('kaspi-simulator', [
 *     { method: 'GET', path: '/control/faults', handle: () => ok({ faults }) },
 *     { method: 'DELETE', path: '/control/faults/:id', handle: ({ params }) => … throw new ControlError(404, 'not_found', …) },
 *   ]);
 */
import type { IncomingMessage, RequestListener } from 'node:http';
import type { z } from 'zod';
import { controlRefusal, type ControlGuardOptions } from '../control-guard.ts';
import { bodyLimits, jsonTooDeep, maxJsonDepth } from '../http-limits.ts';
import { listenHttp, type HttpListener } from '../http-server.ts';
import {
  BodyTooLarge,
  createRouter,
  routerListener,
  sendAnswer,
  type Answer,
  type RequestContext,
  type Route,
} from './router.ts';

export type ControlRoute = Route;
export type ControlRequest = RequestContext;

/** An error a control route answers with: `status` and `{ error: { code, message } }`. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}

export interface ControlErrorBody {
  error: { code: string; message: string };
}

/** One line, at most 300 characters: a reason never spills a multi-line dump into an answer. */
const oneLine = (text: string): string => {
  const line = text.split('\n', 1)[0]!.trim();
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
};

export const errorAnswer = (status: number, code: string, message: string): Answer => ({
  status,
  body: { error: { code, message: oneLine(message) } } satisfies ControlErrorBody,
});

export const ok = (body: unknown, status = 200): Answer => ({ status, body });

/** The body as JSON (`{}` when empty): 400 when it is not JSON or nests too deep. */
export async function jsonBody(ctx: Pick<RequestContext, 'text'>): Promise<unknown> {
  const text = await ctx.text();
  if (text.trim() === '') return {};
  if (jsonTooDeep(text))
    throw new ControlError(400, 'body_too_deep', `body nested deeper than ${maxJsonDepth} levels`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ControlError(400, 'invalid_json', 'body is not valid JSON');
  }
}

/** Checks `value` against `schema`: 400 `invalid_body` naming each field that is wrong. */
export function validate<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 3).map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : 'body';
    return `${where}: ${issue.message}`;
  });
  throw new ControlError(400, 'invalid_body', issues.join('; '));
}

/** The body, read and validated: `await parsedBody(ctx, faultRuleInput)`. */
export async function parsedBody<T extends z.ZodType>(
  ctx: Pick<RequestContext, 'text'>,
  schema: T,
): Promise<z.infer<T>> {
  return validate(schema, await jsonBody(ctx));
}

export interface ControlApiOptions extends ControlGuardOptions {
  /** Why this request may not use the API, before the guard's own checks (the egress proxy's sandbox). */
  refuse?(req: IncomingMessage): string | undefined;
  /** A better answer than 500 for an error a handler threw (the payment-service without its database). */
  describeFailure?(error: unknown): ControlError | undefined;
  /** Default `bodyLimits.control`; a route may allow more (`maxBodyBytes`). */
  maxBodyBytes?: number;
}

const contentType = 'application/json; charset=utf-8';

/** The control API `name` (`kaspi-simulator`, for its log line) serves `routes`. */
export function controlListener(
  name: string,
  routes: readonly ControlRoute[],
  options: ControlApiOptions = {},
): RequestListener {
  const failure = (error: unknown): Answer => {
    if (error instanceof ControlError) return errorAnswer(error.status, error.code, error.message);
    if (error instanceof BodyTooLarge)
      return errorAnswer(413, 'body_too_large', `body over ${error.limitBytes} bytes`);
    const described = options.describeFailure?.(error);
    if (described) return errorAnswer(described.status, described.code, described.message);
    console.error(`[${name}] control request failed:`, error);
    const reason = error instanceof Error ? error.message : String(error);
    return errorAnswer(500, 'internal', `control action failed: ${reason}`);
  };
  const router = createRouter(routes, {
    maxBodyBytes: options.maxBodyBytes ?? bodyLimits.control,
    ignoreTrailingSlash: true,
    notFound: (method, path) => errorAnswer(404, 'not_found', `no control route ${method} ${path}`),
    methodNotAllowed: (method, path, allow) =>
      errorAnswer(405, 'method_not_allowed', `${method} not allowed on ${path} (${allow.join(', ')})`),
    failure,
  });
  const answer = routerListener(router, {
    badTarget: errorAnswer(400, 'invalid_target', 'malformed request target'),
    contentType,
  });
  return (req, res) => {
    const refusal = options.refuse?.(req) ?? controlRefusal(req, options);
    if (refusal === undefined) return answer(req, res);
    // Drained, so the connection stays usable; nothing reaches a route.
    req.resume();
    sendAnswer(res, errorAnswer(403, 'forbidden', refusal), contentType);
  };
}

/** A control API on its own loopback port (`port` 0: the kernel picks). */
export function startControlApi(
  name: string,
  routes: readonly ControlRoute[],
  options: ControlApiOptions & { port?: number } = {},
): Promise<HttpListener> {
  return listenHttp(controlListener(name, routes, options), options.port ?? 0);
}
