/**
 * The stack's own control API, for what only the process that booted the stack can do (it holds the
 * Bitrix stub's PHP runners): run the deployment guide's runbook snippets. Loopback only, JSON only,
 * and only for requests a page of another origin cannot forge (platform/control-guard.ts: 403 `{error}`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { guardControl } from '../platform/control-guard.ts';
import { applyRequestTimeouts } from '../platform/http-limits.ts';

export type HarnessRoute = () => Promise<unknown>;

export interface HarnessControl {
  url: string;
  close(): Promise<void>;
}

export async function startHarnessControl(routes: Record<string, HarnessRoute>): Promise<HarnessControl> {
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
  const server: Server = applyRequestTimeouts(
    createServer(guardControl(listener, (reason) => ({ error: reason }))),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
