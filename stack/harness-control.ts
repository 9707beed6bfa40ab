/**
 * The stack's own control API, for what only the process that booted the stack can do (it holds the
 * Bitrix stub's PHP runners): run the deployment guide's runbook snippets. A control API like the
 * simulators' (platform/http/control-api.ts): loopback only, JSON only, errors `{ error: { code,
 * message } }`, and only for requests a page of another origin cannot forge (403).
 */
import { ok, startControlApi, type ControlRoute } from '../platform/http/control-api.ts';
import type { HttpListener } from '../platform/http-server.ts';

/** What a route does; its result is the answer's JSON body. */
export type HarnessRoute = () => Promise<unknown>;

export type HarnessControl = HttpListener;

/** `routes`: `{ 'POST /runbook': () => … }`. */
export function startHarnessControl(routes: Record<string, HarnessRoute>): Promise<HarnessControl> {
  const table = Object.entries(routes).map(([key, run]): ControlRoute => {
    const [method = '', path = ''] = key.split(' ');
    return { method, path, handle: async () => ok(await run()) };
  });
  return startControlApi('harness', table);
}
