/**
 * A tiny JSON router over node:http, shared by the service and the control API. Handlers return
 * `{ status, body }`; the router owns the wire: every answer is JSON, and any exception becomes the
 * configured 500 answer (never a stack trace, never a crashed process).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { requestTarget } from '../../platform/http-limits.ts';
import type { PaymentConfigRow } from './store.ts';

export interface JsonResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface RouteContext {
  req: IncomingMessage;
  url: URL;
  params: Record<string, string>;
  /** The request body as text; throws BodyTooLarge past the limit. */
  text(): Promise<string>;
  /** Per-request adjustments the fault layer makes (a stale config, another shop's row); absent in the normal case. */
  scope: RequestScope;
}

export interface RequestScope {
  /** Rewrites a config as read from the database, before the route uses or serves it. */
  adjustConfig?: (row: PaymentConfigRow) => PaymentConfigRow;
  /** The shop whose stored row a config lookup reads instead of the requested one (a wrong-shop mix-up). */
  lookupShopId?: number;
}

/** What the service knows about a request before answering it; faults and drift read it. */
export interface RouteMatch {
  outcome: 'matched' | 'not-found' | 'method-not-allowed';
  /** `GET /admin/configs/{shop_id}` for a matched route. */
  key?: string;
}

export interface Route {
  method: string;
  /** `/control/configs/:shopId`: segments starting with ':' capture. */
  path: string;
  handle(ctx: RouteContext): Promise<JsonResponse> | JsonResponse;
}

export interface Served {
  time: string;
  method: string;
  path: string;
  /** 0 when no answer was sent (a blackholed, reset or truncated request). */
  status: number;
  latencyMs: number;
  /** The served route (`GET /admin/configs/{shop_id}`), absent for unknown routes. */
  route?: string;
  /** The injected fault that shaped this answer (`slow+status`), if any. */
  fault?: string;
  /** Set when the route is not served by the current profile: contract drift. */
  drift?: boolean;
}

export interface RouterOptions {
  notFound: JsonResponse;
  methodNotAllowed: JsonResponse;
  /** The answer to a handler that threw: fixed for the service, descriptive for the control API. */
  internalError: JsonResponse | ((error: unknown) => JsonResponse);
  tooLarge: JsonResponse;
  maxBodyBytes?: number;
  /** Called once per answered request. */
  onServed?: (served: Served) => void;
}

export class BodyTooLarge extends Error {
  override readonly name = 'BodyTooLarge';
}

interface CompiledRoute extends Route {
  regex: RegExp;
  names: string[];
  key: string;
}

/** `/admin/configs/:shop_id` → `/admin/configs/{shop_id}` (OpenAPI's spelling, used in reports). */
export const openApiStyle = (path: string): string => path.replace(/:([^/]+)/g, '{$1}');

export const routeKey = (route: Pick<Route, 'method' | 'path'>): string =>
  `${route.method} ${openApiStyle(route.path)}`;

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { ...route, regex: new RegExp(`^${source}$`), names, key: routeKey(route) };
}

export function sendJson(res: ServerResponse, response: JsonResponse): void {
  const text = JSON.stringify(response.body);
  res.writeHead(response.status, {
    ...response.headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

function readText(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge(`body over ${limit} bytes`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * A path segment with its %-escapes decoded, as Starlette's unquote does: a malformed escape (`%E0%A4%A`)
 * stays as it came instead of throwing (which answered 500).
 */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export interface Dispatcher {
  match(method: string, pathname: string): RouteMatch;
  /** Routes the request and runs its handler; throws what the handler throws. */
  answer(req: IncomingMessage, url: URL, scope?: RequestScope): Promise<JsonResponse>;
  readonly keys: readonly string[];
}

type DispatchOptions = Pick<RouterOptions, 'notFound' | 'methodNotAllowed' | 'maxBodyBytes'>;

export function createDispatcher(routes: readonly Route[], options: DispatchOptions): Dispatcher {
  const compiled = routes.map(compile);
  const maxBodyBytes = options.maxBodyBytes ?? 1_048_576;
  const find = (method: string, pathname: string) => {
    const matches = compiled
      .map((route) => ({ route, match: route.regex.exec(pathname) }))
      .filter((candidate) => candidate.match !== null);
    return { matches, chosen: matches.find((candidate) => candidate.route.method === method) };
  };
  return {
    keys: compiled.map((route) => route.key),
    match(method, pathname) {
      const { matches, chosen } = find(method, pathname);
      if (chosen) return { outcome: 'matched', key: chosen.route.key };
      return { outcome: matches.length === 0 ? 'not-found' : 'method-not-allowed' };
    },
    async answer(req, url, scope = {}) {
      const { matches, chosen } = find(req.method ?? 'GET', url.pathname);
      if (matches.length === 0) return options.notFound;
      if (!chosen) {
        const allow = [...new Set(matches.map((candidate) => candidate.route.method))].join(', ');
        return { ...options.methodNotAllowed, headers: { allow } };
      }
      const params: Record<string, string> = {};
      chosen.route.names.forEach((name, index) => {
        params[name] = decodePathSegment(chosen.match?.[index + 1] ?? '');
      });
      let body: Promise<string> | undefined;
      return chosen.route.handle({
        req,
        url,
        params,
        scope,
        text: () => (body ??= readText(req, maxBodyBytes)),
      });
    },
  };
}

/** A handler's failure as the configured answer: 413 for an oversized body, else the 500 answer. */
export function failureAnswer(
  error: unknown,
  options: Pick<RouterOptions, 'internalError' | 'tooLarge'>,
): JsonResponse {
  if (error instanceof BodyTooLarge) return options.tooLarge;
  const { internalError } = options;
  return typeof internalError === 'function' ? internalError(error) : internalError;
}

export function jsonRouter(routes: readonly Route[], options: RouterOptions): RequestListener {
  const dispatcher = createDispatcher(routes, options);
  return (req, res) => {
    const started = performance.now();
    res.once('finish', () =>
      options.onServed?.({
        time: new Date().toISOString(),
        method: req.method ?? '',
        path: req.url ?? '',
        status: res.statusCode,
        latencyMs: Math.round((performance.now() - started) * 100) / 100,
      }),
    );
    const url = requestTarget(req.url);
    if (!url) {
      req.resume();
      sendJson(res, { status: 400, body: { error: 'invalid request target' } });
      return;
    }
    dispatcher
      .answer(req, url)
      .catch((error: unknown): JsonResponse => failureAnswer(error, options))
      .then((response) => {
        if (!res.headersSent && !res.destroyed) sendJson(res, response);
      })
      .catch(() => res.destroy());
  };
}
