/**
 * Serves msw request handlers from a plain node:http server. @mswjs/http-middleware is slow and
 * crashes on `HttpResponse.error()`, so we drive msw's own `getResponse` directly and keep the
 * surrounding work (body reading, answer writing, journaling) minimal.
 *
 * Two seams sit in front of msw:
 * - `fastPath`: answers hot routes straight from the domain, skipping Fetch Request/Response
 *   construction (see fast-path.ts); the exchange is journaled the same way.
 * - `faults`: injected faults (faults.ts). Socket-level ones (reset, empty reply, blackhole,
 *   garbage) are done on the raw socket (simulator/shared/socket-faults.ts), because msw's
 *   network-error response cannot express them over HTTP; `header-block` changes the header block
 *   the answer is written with.
 *
 * Every answer carries the same header block (header-block.ts), whichever path made it.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { getResponse, type RequestHandler } from 'msw';
import { bodyLimits } from '../../platform/http-limits.ts';
import { BodyTooLarge, readText } from '../../platform/http/router.ts';
import { httpStatusAnswer } from '../shared/faults.ts';
import { breakSocket, isSocketFault } from '../shared/socket-faults.ts';
import type { Attribution } from './journal-entry.ts';
import type { FaultDecision } from './faults.ts';
import {
  answerHeaders,
  earlyHint,
  flatHeaders,
  headerBlockShape,
  stickyCookies,
  type HeaderBlockShape,
} from './header-block.ts';

export interface Exchange {
  method: string;
  /** Path without the query string. */
  path: string;
  /** The query string without its `?` (`phoneNumber=…&deviceToken=…`), empty when there is none. */
  query: string;
  requestBody: string;
  /** 0 when a socket fault cut the exchange before any HTTP answer. */
  httpStatus: number;
  responseBody: string;
  /** Start time, `Date.now()` milliseconds. */
  startedAt: number;
  latencyMs: number;
  /** No handler matched the request. */
  unmatched?: boolean;
  /** The injected fault(s) that shaped the answer, e.g. `latency+status-code`. */
  fault?: string;
  /** Set by the fast path, which already knows who asked and the StatusCode it answered. */
  known?: Attribution & { statusCode: number | null };
}

export interface FastAnswer {
  httpStatus: number;
  body: string;
  known?: Exchange['known'];
  /** An `http-status` fault's text body: an HTML page, not Kaspi's JSON. */
  html?: boolean;
}

export interface MswNodeListenerOptions {
  handlers: readonly RequestHandler[];
  /** The JSON body for answers the adapter makes itself (unmatched route, oversized body, bug). */
  errorBody(message: string): unknown;
  /** The JSON body of an injected `status-code` fault; defaults to `errorBody(message)`. */
  faultBody?(statusCode: number, message: string): unknown;
  onExchange?(exchange: Exchange): void;
  /** `req` lets a listener check who asks (the scheme listeners' authentication) before answering fast. */
  fastPath?(method: string, path: string, body: string, req: IncomingMessage): FastAnswer | undefined;
  faults?(method: string, path: string, body: string): FaultDecision | undefined;
  /** A request to answer with an error before anything else looks at it (a method no route takes). */
  refuse?(method: string, body: string): { httpStatus: number; message: string } | undefined;
  maxBodyBytes?: number;
}

class BadTarget extends Error {}

function parseTarget(target: string): URL {
  try {
    const url = new URL(target, 'http://127.0.0.1');
    // msw decodes path parameters and throws on an escape that is no UTF-8 (`%ED%A0%80`): a 500.
    decodeURIComponent(url.pathname);
    return url;
  } catch {
    throw new BadTarget();
  }
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

/** The path of an origin-form request target without building a URL; `undefined` for odd forms. */
function quickPath(target: string): string | undefined {
  if (target.charCodeAt(0) !== 47 /* / */ || target.charCodeAt(1) === 47) return undefined;
  const query = target.indexOf('?');
  return query === -1 ? target : target.slice(0, query);
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    // Unref'd: a pending injected delay must never keep a finished process alive.
    setTimeout(resolve, ms).unref();
  });

export function createMswNodeListener(options: MswNodeListenerOptions): RequestListener {
  const handlers = [...options.handlers];
  const maxBodyBytes = options.maxBodyBytes ?? bodyLimits.api;
  const json = (message: string) => JSON.stringify(options.errorBody(message));
  const faultJson = (statusCode: number, message: string) =>
    JSON.stringify(options.faultBody?.(statusCode, message) ?? options.errorBody(message));

  const viaMsw = async (req: IncomingMessage, url: URL, body: string): Promise<FastAnswer | undefined> => {
    const method = req.method ?? 'GET';
    const hasBody = method !== 'GET' && method !== 'HEAD';
    const request = new Request(url, { method, headers: toHeaders(req), body: hasBody ? body : undefined });
    const response = await getResponse(handlers, request, { quiet: true });
    if (!response) return undefined;
    return { httpStatus: response.status, body: await response.text() };
  };

  return (req: IncomingMessage, res: ServerResponse) => {
    const startedAt = Date.now();
    const started = performance.now();
    const method = req.method ?? 'GET';
    const target = req.url ?? '/';
    let path = quickPath(target) ?? '/';
    let requestBody = '';
    let fault: string | undefined;

    const record = (httpStatus: number, responseBody: string, extra: Partial<Exchange> = {}) =>
      options.onExchange?.({
        method,
        path,
        query: target.includes('?') ? target.slice(target.indexOf('?') + 1) : '',
        requestBody,
        httpStatus,
        responseBody,
        startedAt,
        latencyMs: performance.now() - started,
        ...(fault !== undefined ? { fault } : {}),
        ...extra,
      });

    /** Set by a `header-block` fault: the answer itself is unchanged, its header block is not. */
    let shape: HeaderBlockShape | undefined;

    const finish = (result: FastAnswer, extra: Partial<Exchange> = {}) => {
      if (!res.headersSent && !res.destroyed) {
        for (let i = 0; i < (shape?.earlyHints ?? 0); i += 1) res.writeEarlyHints(earlyHint);
        const lines = answerHeaders(result.body);
        // Only an http-status fault's page is HTML; every other answer keeps the JSON lines as built.
        if (result.html)
          for (const line of lines) if (line[0] === 'Content-Type') line[1] = 'text/html; charset=utf-8';
        if (shape) lines.push(...stickyCookies(shape.extraBytes));
        res.writeHead(result.httpStatus, flatHeaders(lines));
      }
      res.end(result.body);
      record(result.httpStatus, result.body, result.known ? { known: result.known, ...extra } : extra);
    };

    const answer = async () => {
      const quick = quickPath(target);
      requestBody = await readText(req, maxBodyBytes);
      const refused = options.refuse?.(method, requestBody);
      if (refused) {
        finish({ httpStatus: refused.httpStatus, body: json(refused.message) });
        return;
      }

      const decision = options.faults?.(method, quick ?? parseTarget(target).pathname, requestBody);
      if (decision) {
        fault = decision.label;
        if (decision.delayMs > 0) await sleep(decision.delayMs);
        const injected = decision.fault;
        if (isSocketFault(injected)) {
          breakSocket(req, injected, decision.random);
          record(0, '');
          return;
        }
        if (injected?.kind === 'header-block') shape = headerBlockShape(injected);
        if (injected?.kind === 'status-code') {
          const { statusCode, httpStatus, message } = injected;
          finish({ httpStatus: httpStatus ?? 200, body: faultJson(statusCode, message ?? 'Injected fault') });
          return;
        }
        if (injected?.kind === 'http-status') {
          const answer = httpStatusAnswer(injected, options.errorBody);
          finish({ httpStatus: answer.status, body: answer.text, html: answer.html });
          return;
        }
      }

      if (quick !== undefined) {
        const fast = options.fastPath?.(method, quick, requestBody, req);
        if (fast) {
          finish(fast);
          return;
        }
      }
      const url = parseTarget(target);
      path = url.pathname;
      const served = await viaMsw(req, url, requestBody);
      if (served) finish(served);
      else finish({ httpStatus: 404, body: json(`No such method: ${method} ${path}`) }, { unmatched: true });
    };

    answer().catch((error: unknown) => {
      if (res.destroyed) {
        // The client went away mid-request: nothing to answer, but the attempt is still journaled.
        record(0, '');
        return;
      }
      if (error instanceof BadTarget) {
        finish({ httpStatus: 400, body: json('Malformed request target') });
        return;
      }
      if (error instanceof BodyTooLarge) {
        finish({ httpStatus: 413, body: json('Request body too large') });
        return;
      }
      console.error('[kaspi-simulator] request failed:', error);
      finish({ httpStatus: 500, body: json('Internal simulator error') });
    });
  };
}
