/**
 * A tiny JSON router over node:http, shared by the service and the control API. Handlers return
 * `{ status, body }`; the router owns the wire: every answer is JSON, and any exception becomes the
 * configured 500 answer (never a stack trace, never a crashed process).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

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
  status: number;
  latencyMs: number;
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
}

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
  return { ...route, regex: new RegExp(`^${source}$`), names };
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

export function jsonRouter(routes: readonly Route[], options: RouterOptions): RequestListener {
  const compiled = routes.map(compile);
  const maxBodyBytes = options.maxBodyBytes ?? 1_048_576;

  const answer = async (req: IncomingMessage): Promise<JsonResponse> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const matches = compiled
      .map((route) => ({ route, match: route.regex.exec(url.pathname) }))
      .filter((candidate) => candidate.match !== null);
    if (matches.length === 0) return options.notFound;
    const chosen = matches.find((candidate) => candidate.route.method === method);
    if (!chosen) {
      const allow = [...new Set(matches.map((candidate) => candidate.route.method))].join(', ');
      return { ...options.methodNotAllowed, headers: { allow } };
    }
    const params: Record<string, string> = {};
    chosen.route.names.forEach((name, index) => {
      params[name] = decodeURIComponent(chosen.match?.[index + 1] ?? '');
    });
    let body: Promise<string> | undefined;
    return chosen.route.handle({ req, url, params, text: () => (body ??= readText(req, maxBodyBytes)) });
  };

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
    answer(req)
      .catch((error: unknown): JsonResponse => {
        if (error instanceof BodyTooLarge) return options.tooLarge;
        const { internalError } = options;
        return typeof internalError === 'function' ? internalError(error) : internalError;
      })
      .then((response) => {
        if (!res.headersSent && !res.destroyed) sendJson(res, response);
      })
      .catch(() => res.destroy());
  };
}
