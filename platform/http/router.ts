/**
 * The one HTTP router of the harness, under every control API and the payment-service simulator's
 * simulated service. Routes are path templates (`/control/faults/:id`: a `:name` segment captures,
 * %-decoded); a path no route has is the caller's 404 answer, a path whose routes take other methods
 * its 405 answer with `Allow`. A body is read only when a handler asks, up to a limit per route
 * (platform/http-limits.ts `bodyLimits`). Whatever a handler throws becomes the caller's failure
 * answer: never a stack trace, never a crashed process.
 *
 * The router knows no error shape: each flavour gives its own answers — the control APIs'
 * `{ error: { code, message } }` (control-api.ts), FastAPI's `{ detail }` for the simulated service.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { bodyLimits, requestTarget } from '../http-limits.ts';

/** A JSON answer (`body`), or a raw one (`text`, with its own `content-type` in `headers`). */
export interface Answer {
  status: number;
  body?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

export interface RequestContext {
  req: IncomingMessage;
  method: string;
  url: URL;
  /** The path the route matched (without the trailing slashes, where the router ignores them). */
  path: string;
  /** The template's `:name` segments, %-decoded. */
  params: Record<string, string>;
  /** The body as text, read once; throws BodyTooLarge past the route's limit. */
  text(): Promise<string>;
}

/** `X`: what the caller adds to every request's context (the payment-service's fault scope). */
export interface Route<X = object, A extends Answer = Answer> {
  method: string;
  /** `/control/configs/:shopId` */
  path: string;
  /** The most body this route reads, in bytes; the router's limit otherwise. */
  maxBodyBytes?: number;
  handle(ctx: RequestContext & X): A | Promise<A>;
}

export class BodyTooLarge extends Error {
  override readonly name = 'BodyTooLarge';
  constructor(readonly limitBytes: number) {
    super(`body over ${limitBytes} bytes`);
  }
}

/** The answers a router makes itself, in its flavour's shape. */
export interface RouterAnswers<A extends Answer = Answer> {
  notFound(method: string, path: string): A;
  /** Sent with `Allow` naming the methods the path takes. */
  methodNotAllowed(method: string, path: string, allow: readonly string[]): A;
  /** A handler threw (a BodyTooLarge included): the answer, never the error's stack. */
  failure(error: unknown): A;
}

export interface RouterOptions<A extends Answer = Answer> extends RouterAnswers<A> {
  /** Default `bodyLimits.api`. */
  maxBodyBytes?: number;
  /** `/control/faults/` is `/control/faults` (the control APIs); FastAPI's routes are exact. */
  ignoreTrailingSlash?: boolean;
}

export interface RouteMatch {
  outcome: 'matched' | 'not-found' | 'method-not-allowed';
  /** The matched route's `METHOD /path/{param}`. */
  key?: string;
  /** The methods the path takes, when it is not this one. */
  allow?: readonly string[];
}

export interface Router<X = object, A extends Answer = Answer> {
  /** `METHOD /path/{param}` of every route, in order. */
  readonly keys: readonly string[];
  /** What the router would do with a request, without running anything. */
  match(method: string, pathname: string): RouteMatch;
  /** Routes the request and runs its handler; resolves to an answer whatever happens. */
  answer(req: IncomingMessage, url: URL, extra: X): Promise<A>;
}

/** `/admin/configs/:shop_id` → `/admin/configs/{shop_id}` (OpenAPI's spelling, used in reports). */
export const openApiStyle = (path: string): string => path.replace(/:([^/]+)/g, '{$1}');

export const routeKey = (route: Pick<Route, 'method' | 'path'>): string =>
  `${route.method} ${openApiStyle(route.path)}`;

interface Compiled<X, A extends Answer> {
  route: Route<X, A>;
  regex: RegExp;
  names: string[];
  key: string;
}

function compile<X, A extends Answer>(route: Route<X, A>): Compiled<X, A> {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { route, regex: new RegExp(`^${source}$`), names, key: routeKey(route) };
}

/**
 * A path segment with its %-escapes decoded, as Starlette's unquote does: a malformed escape
 * (`%E0%A4%A`) stays as it came instead of throwing.
 */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** A request's body as text, refused with BodyTooLarge past `limit` bytes (the rest is drained). */
export function readText(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge(limit));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    // One chunk (the usual small body) is decoded as it is, without the copy concat makes.
    req.on('end', () =>
      resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')),
    );
    req.on('error', reject);
  });
}

export function createRouter<X = object, A extends Answer = Answer>(
  routes: readonly Route<X, A>[],
  options: RouterOptions<A>,
): Router<X, A> {
  const compiled = routes.map(compile);
  const maxBodyBytes = options.maxBodyBytes ?? bodyLimits.api;
  const pathOf = (pathname: string): string =>
    options.ignoreTrailingSlash ? pathname.replace(/\/+$/, '') || '/' : pathname;
  const find = (method: string, path: string) => {
    const matches = compiled
      .map((candidate) => ({ candidate, match: candidate.regex.exec(path) }))
      .filter((found) => found.match !== null);
    return {
      chosen: matches.find((found) => found.candidate.route.method === method),
      allow: [...new Set(matches.map((found) => found.candidate.route.method))],
    };
  };
  const failure = (error: unknown): A => {
    try {
      return options.failure(error);
    } catch {
      return { status: 500, body: {} } as A;
    }
  };
  return {
    keys: compiled.map((candidate) => candidate.key),
    match(method, pathname) {
      const { chosen, allow } = find(method, pathOf(pathname));
      if (chosen) return { outcome: 'matched', key: chosen.candidate.key };
      return allow.length === 0 ? { outcome: 'not-found' } : { outcome: 'method-not-allowed', allow };
    },
    async answer(req, url, extra) {
      const method = req.method ?? 'GET';
      const path = pathOf(url.pathname);
      try {
        const { chosen, allow } = find(method, path);
        if (!chosen) {
          if (allow.length === 0) return options.notFound(method, path);
          const refusal = options.methodNotAllowed(method, path, allow);
          return { ...refusal, headers: { ...refusal.headers, allow: allow.join(', ') } };
        }
        const { route, names } = chosen.candidate;
        const params: Record<string, string> = {};
        names.forEach((name, index) => (params[name] = decodeSegment(chosen.match?.[index + 1] ?? '')));
        let body: Promise<string> | undefined;
        const text = () => (body ??= readText(req, route.maxBodyBytes ?? maxBodyBytes));
        return await route.handle({ ...extra, req, method, url, path, params, text });
      } catch (error) {
        return failure(error);
      }
    },
  };
}

/** Writes an answer: `body` as JSON (`contentType`), or `text` as it is. */
export function sendAnswer(res: ServerResponse, answer: Answer, contentType = 'application/json'): void {
  if (res.headersSent || res.destroyed) return;
  const text = answer.text ?? JSON.stringify(answer.body ?? null);
  res.writeHead(answer.status, {
    'content-type': contentType,
    ...answer.headers,
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

export interface ListenerOptions<X> {
  /** The answer to a request target that is no URL (`//a:b`). */
  badTarget: Answer;
  /** Per-request additions to the context. */
  extra?: (req: IncomingMessage) => X;
  /** For `body` answers; `text` answers bring their own in `headers`. */
  contentType?: string;
}

/** A router as a complete request listener: target parsing, routing, the answer written. */
export function routerListener<X>(router: Router<X, Answer>, options: ListenerOptions<X>): RequestListener {
  return (req, res) => {
    const url = requestTarget(req.url);
    const answered = url
      ? router.answer(req, url, options.extra?.(req) ?? ({} as X))
      : Promise.resolve(options.badTarget);
    void answered.then((answer) => {
      // What a handler did not read is drained, so the connection stays usable.
      if (!req.readableEnded) req.resume();
      sendAnswer(res, answer, options.contentType);
    });
  };
}
