/**
 * The stack's own control API, for what only the process that booted the stack can do (it holds the
 * Bitrix stub's PHP runners): run the deployment guide's runbook snippets. Loopback only, JSON only,
 * and only for requests a page of another origin cannot forge (platform/control-guard.ts: 403 `{error}`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { guardControl } from '../platform/control-guard.ts';
import { listenHttp, type HttpListener } from '../platform/http-server.ts';

export type HarnessRoute = () => Promise<unknown>;

export type HarnessControl = HttpListener;

export function startHarnessControl(routes: Record<string, HarnessRoute>): Promise<HarnessControl> {
  const listener = (request: IncomingMessage, response: ServerResponse): void => {
    const route = routes[`${request.method} ${request.url}`];
    const answer = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    request.resume();
    if (!route)
      return answer(404, { error: `no route ${request.method} ${request.url}`, routes: Object.keys(routes) });
    route().then(
      (body) => answer(200, body),
      (error: unknown) => answer(500, { error: error instanceof Error ? error.message : String(error) }),
    );
  };
  return listenHttp(guardControl(listener, (reason) => ({ error: reason })));
}
