/**
 * The service's request listener, below the HTTP framework: it routes by the current profile,
 * records contract drift, applies the injected faults (socket-level ones on the raw connection) and
 * journals every request with the fault that shaped it.
 */
import type { RequestListener, ServerResponse } from 'node:http';
import { requestTarget } from '../../platform/http-limits.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { httpStatusAnswer } from '../shared/faults.ts';
import { breakSocket, isSocketFault } from '../shared/socket-faults.ts';
import type { ServedContract } from './contracts/profile.ts';
import type { DriftLog } from './contracts/drift.ts';
import { fastapiErrorBody, reshape, scopeFor } from './faults/answers.ts';
import type { FaultRegistry } from './faults/registry.ts';
import type { Dispatcher } from './http.ts';
import type { RequestJournal } from './journal.ts';

export interface ActiveContract {
  served: ServedContract;
  dispatcher: Dispatcher;
}

export interface ServiceDeps {
  contract: () => ActiveContract;
  faults: FaultRegistry;
  journal: RequestJournal;
  drift: DriftLog;
}

function write(
  res: ServerResponse,
  status: number,
  text: string,
  contentType: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    ...headers,
    'content-type': contentType,
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

export function serviceHandler(deps: ServiceDeps): RequestListener {
  return (req, res) => {
    const started = performance.now();
    const time = new Date().toISOString();
    const method = req.method ?? 'GET';
    const url = requestTarget(req.url);
    if (!url) {
      // Absolute-form with an impossible authority (`http://a:b/`): uvicorn's 400 "Invalid HTTP request".
      req.resume();
      write(res, 400, JSON.stringify({ detail: 'Invalid HTTP request target' }), 'application/json');
      deps.journal.record({ time, method, path: req.url ?? '', status: 400, latencyMs: 0 });
      return;
    }
    const { served, dispatcher } = deps.contract();
    const match = dispatcher.match(method, url.pathname);
    const decision = deps.faults.decide({ method, path: url.pathname, route: match.key });
    const drift = match.outcome !== 'matched';
    if (drift) deps.drift.record(method, req.url ?? '/', served.name, dispatcher.keys);

    let recorded = false;
    const record = (): void => {
      if (recorded) return;
      recorded = true;
      deps.journal.record({
        time,
        method,
        path: req.url ?? '',
        status: res.headersSent ? res.statusCode : 0,
        latencyMs: Math.round((performance.now() - started) * 100) / 100,
        ...(match.key ? { route: match.key } : {}),
        ...(decision.label ? { fault: decision.label } : {}),
        ...(drift ? { drift: true } : {}),
      });
    };
    res.once('finish', record);
    res.once('close', record);

    const respond = async (): Promise<void> => {
      if (decision.delayMs > 0) await sleep(decision.delayMs);
      const fault = decision.fault;
      if (fault?.kind === 'down') {
        // Per route, "down" can only be a reset: the connection was accepted before the route was known.
        req.socket.destroy();
        return;
      }
      if (isSocketFault(fault)) {
        // A blackhole's socket is dropped by the listener's close; the others end it now.
        breakSocket(req, fault, decision.random);
        return;
      }
      if (fault?.kind === 'http-status') {
        const answer = httpStatusAnswer(fault, fastapiErrorBody);
        write(res, answer.status, answer.text, answer.html ? 'text/html; charset=utf-8' : 'application/json');
        return;
      }
      const response = await dispatcher.answer(req, url, { scope: scopeFor(fault) });
      const shaped = reshape(fault, response);
      if (fault?.kind === 'truncated') {
        const bytes = Buffer.from(shaped.text);
        res.writeHead(shaped.status, {
          'content-type': shaped.contentType,
          'content-length': String(bytes.length),
        });
        res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
        return;
      }
      write(res, shaped.status, shaped.text, shaped.contentType, response.headers);
    };
    respond().catch(() => res.destroy());
  };
}
