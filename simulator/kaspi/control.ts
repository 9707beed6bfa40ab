/**
 * The control API: how scenarios (often in other vitest workers) and people inspect and steer the
 * simulator. It listens on its own port so nothing a client under test does on the Kaspi port can
 * reach it, and it answers only requests a page of another origin cannot forge (403 otherwise, see
 * platform/control-guard.ts). Answers are JSON (the dashboard page excepted); errors are
 * `{ error: { code, message } }` with a 4xx/5xx status. Routes live in small modules (control-*.ts) composed here.
 */
import type { RequestListener, ServerResponse } from 'node:http';
import type { Organization } from '../../fixtures/organizations.ts';
import { guardControl } from '../../platform/control-guard.ts';
import { requestTarget } from '../../platform/http-limits.ts';
import { faultRoutes } from './control-faults.ts';
import {
  ControlError,
  idParam,
  ok,
  readJson,
  validate,
  type ControlReply,
  type ControlRoute,
} from './control-http.ts';
import { journalRoutes } from './control-journal.ts';
import { purchaseRoutes } from './control-purchases.ts';
import { seedRoutes } from './control-seed.ts';
import { organizationRoutes } from './dashboard/organizations.ts';
import { dashboardHtml } from './dashboard/page.ts';
import type { FaultRegistry } from './faults.ts';
import type { Journal } from './journal.ts';
import type { KaspiState } from './state.ts';
import { z } from 'zod';

export interface ControlContext {
  state: KaspiState;
  journal: Journal;
  faults: FaultRegistry;
  /** Resets the state, the journal and the faults together. */
  reset(): void;
  /** Replaces the merchants, then resets. */
  seed(organizations: readonly Organization[]): void;
  openApiDocument(): unknown;
  /** URLs and counters for the dashboard and `GET /control/info`. */
  info(): Record<string, unknown>;
  /** Routes contributed by other modules (e.g. the clock), tried before the built-in ones. */
  extraRoutes?: readonly ControlRoute[];
}

const tradePointChange = z.strictObject({
  enabled: z.boolean().optional(),
  acceptsQr: z.boolean().optional(),
});

function coreRoutes(ctx: ControlContext): ControlRoute[] {
  const page = (): ControlReply => ({
    status: 200,
    text: dashboardHtml,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  });
  return [
    { method: 'GET', pattern: /^\/(?:dashboard)?$/, handle: page },
    { method: 'GET', pattern: /^\/control\/health$/, handle: () => ok({ ok: true }) },
    { method: 'GET', pattern: /^\/control\/info$/, handle: () => ok(ctx.info()) },
    { method: 'GET', pattern: /^\/openapi\.json$/, handle: () => ok(ctx.openApiDocument()) },
    {
      method: 'POST',
      pattern: /^\/control\/reset$/,
      handle: () => {
        ctx.reset();
        return ok({ ok: true });
      },
    },
    { method: 'GET', pattern: /^\/control\/ledger$/, handle: () => ok({ ledger: ctx.state.ledger() }) },
    {
      method: 'POST',
      pattern: /^\/control\/trade-points\/([^/]+)$/,
      handle: async ({ params, req }) => {
        const id = idParam(params[0], 'id');
        const change = validate(tradePointChange, await readJson(req));
        const tradePoint = id === undefined ? undefined : ctx.state.updateTradePoint(id, change);
        if (!tradePoint) throw new ControlError(404, 'not_found', `No trade point ${params[0] ?? ''}`);
        return ok({ tradePoint });
      },
    },
  ];
}

function send(res: ServerResponse, reply: ControlReply): void {
  const text = reply.text ?? JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': 'application/json; charset=utf-8',
    ...reply.headers,
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function createControlListener(ctx: ControlContext): RequestListener {
  const routes: ControlRoute[] = [
    ...(ctx.extraRoutes ?? []),
    ...coreRoutes(ctx),
    ...journalRoutes(ctx.journal),
    ...purchaseRoutes(ctx.state),
    ...organizationRoutes(ctx.state),
    ...faultRoutes(ctx.faults),
    ...seedRoutes((organizations) => ctx.seed(organizations)),
  ];

  const route = async (req: Parameters<RequestListener>[0]): Promise<ControlReply> => {
    const url = requestTarget(req.url);
    if (!url) throw new ControlError(400, 'invalid_target', 'Malformed request target');
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '') || '/';
    let pathMatched = false;
    for (const candidate of routes) {
      const match = candidate.pattern.exec(path);
      if (!match) continue;
      pathMatched = true;
      if (candidate.method !== method) continue;
      return candidate.handle({ method, path, url, params: match.slice(1), req });
    }
    if (pathMatched) throw new ControlError(405, 'method_not_allowed', `${method} not allowed on ${path}`);
    throw new ControlError(404, 'not_found', `No control route ${method} ${path}`);
  };

  const answer: RequestListener = (req, res) => {
    route(req).then(
      (reply) => send(res, reply),
      (error: unknown) => {
        if (error instanceof ControlError) {
          send(res, {
            status: error.httpStatus,
            body: { error: { code: error.code, message: error.message } },
          });
          return;
        }
        console.error('[kaspi-simulator] control request failed:', error);
        send(res, { status: 500, body: { error: { code: 'internal', message: 'Internal control error' } } });
      },
    );
  };

  // A page on another origin must not reset state, inject faults or confirm purchases (control-guard.ts).
  return guardControl(answer, (reason) => ({ error: { code: 'forbidden', message: reason } }));
}
