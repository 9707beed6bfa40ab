/**
 * Serves msw request handlers from a plain node:http server. @mswjs/http-middleware is slow and
 * crashes on `HttpResponse.error()`, so we drive msw's own `getResponse` directly and keep the
 * surrounding work (body reading, answer writing, journaling) minimal.
 *
 * `fastPath` is the seam for the throughput goal: a caller may answer hot routes straight from the
 * domain, skipping Fetch Request/Response construction, and the exchange is journaled the same way.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { getResponse, type RequestHandler } from 'msw';

export interface Exchange {
  method: string;
  /** Path without the query string. */
  path: string;
  requestBody: string;
  httpStatus: number;
  responseBody: string;
  /** Start time, `Date.now()` milliseconds. */
  startedAt: number;
  latencyMs: number;
}

export interface FastAnswer {
  httpStatus: number;
  body: string;
}

export interface MswNodeListenerOptions {
  handlers: readonly RequestHandler[];
  /** The JSON body for answers the adapter makes itself (unmatched route, oversized body, bug). */
  errorBody(message: string): unknown;
  onExchange?(exchange: Exchange): void;
  fastPath?(method: string, path: string, body: string): FastAnswer | undefined;
  maxBodyBytes?: number;
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function toHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    try {
      headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    } catch {
      // A header undici refuses is not one any handler reads; drop it rather than fail the request.
    }
  }
  return headers;
}

export function createMswNodeListener(options: MswNodeListenerOptions): RequestListener {
  const handlers = [...options.handlers];
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const json = (message: string) => JSON.stringify(options.errorBody(message));

  const answer = async (req: IncomingMessage, path: string, url: URL, body: string): Promise<FastAnswer> => {
    const method = req.method ?? 'GET';
    const fast = options.fastPath?.(method, path, body);
    if (fast) return fast;
    const hasBody = method !== 'GET' && method !== 'HEAD';
    const request = new Request(url, { method, headers: toHeaders(req), body: hasBody ? body : undefined });
    const response = await getResponse(handlers, request, { quiet: true });
    if (!response) return { httpStatus: 404, body: json(`No such method: ${method} ${path}`) };
    return { httpStatus: response.status, body: await response.text() };
  };

  return (req: IncomingMessage, res: ServerResponse) => {
    const startedAt = Date.now();
    const started = performance.now();
    const method = req.method ?? 'GET';
    let path = '/';
    let requestBody = '';

    const finish = (result: FastAnswer) => {
      if (!res.headersSent) {
        res.writeHead(result.httpStatus, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(result.body),
        });
      }
      res.end(result.body);
      options.onExchange?.({
        method,
        path,
        requestBody,
        httpStatus: result.httpStatus,
        responseBody: result.body,
        startedAt,
        latencyMs: performance.now() - started,
      });
    };

    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        path = url.pathname;
        requestBody = await readBody(req, maxBodyBytes);
        finish(await answer(req, path, url, requestBody));
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          finish({ httpStatus: 413, body: json('Request body too large') });
          return;
        }
        console.error('[kaspi-simulator] request failed:', error);
        finish({ httpStatus: 500, body: json('Internal simulator error') });
      }
    })();
  };
}
