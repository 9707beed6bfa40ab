/**
 * The control API: how scenarios (often in other vitest workers) and people inspect and steer the
 * simulator. It listens on its own port so nothing a client under test does on the Kaspi port can
 * reach it, and it answers only requests a page of another origin cannot forge (403 otherwise, see
 * platform/control-guard.ts). Answers are JSON (the dashboard page excepted); errors are
 * `{ error: { code, message } }` with a 4xx/5xx status (platform/http/control-api.ts). Routes live in
 * small modules (control-*.ts) composed here.
 */
import type { RequestListener } from 'node:http';
import { z } from 'zod';
import type { Organization } from '../../fixtures/organizations.ts';
import {
  ControlError,
  controlListener,
  ok,
  parsedBody,
  type ControlRoute,
} from '../../platform/http/control-api.ts';
import type { Answer } from '../../platform/http/router.ts';
import { journalRoutes } from './control-journal.ts';
import { idParam } from './control-params.ts';
import { purchaseRoutes } from './control-purchases.ts';
import { seedRoutes } from './control-seed.ts';
import { organizationRoutes } from './dashboard/organizations.ts';
import { dashboardHtml } from './dashboard/page.ts';
import { faultRoutes } from '../shared/control-faults.ts';
import { faultRuleInput, type FaultRegistry } from './faults.ts';
import type { Journal } from './journal.ts';
import type { KaspiState } from './state.ts';

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
  const page = (): Answer => ({
    status: 200,
    text: dashboardHtml,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  });
  return [
    { method: 'GET', path: '/', handle: page },
    { method: 'GET', path: '/dashboard', handle: page },
    { method: 'GET', path: '/control/health', handle: () => ok({ ok: true }) },
    { method: 'GET', path: '/control/info', handle: () => ok(ctx.info()) },
    { method: 'GET', path: '/openapi.json', handle: () => ok(ctx.openApiDocument()) },
    {
      method: 'POST',
      path: '/control/reset',
      handle: () => {
        ctx.reset();
        return ok({ ok: true });
      },
    },
    { method: 'GET', path: '/control/ledger', handle: () => ok({ ledger: ctx.state.ledger() }) },
    {
      method: 'POST',
      path: '/control/trade-points/:id',
      handle: async (request) => {
        const id = idParam(request.params.id, 'id');
        const change = await parsedBody(request, tradePointChange);
        const tradePoint = id === undefined ? undefined : ctx.state.updateTradePoint(id, change);
        if (!tradePoint) throw new ControlError(404, 'not_found', `no trade point ${request.params.id}`);
        return ok({ tradePoint });
      },
    },
  ];
}

export function createControlListener(ctx: ControlContext): RequestListener {
  // A page on another origin must not reset state, inject faults or confirm purchases (control-guard.ts).
  return controlListener('kaspi-simulator', [
    ...(ctx.extraRoutes ?? []),
    ...coreRoutes(ctx),
    ...journalRoutes(ctx.journal),
    ...purchaseRoutes(ctx.state),
    ...organizationRoutes(ctx.state),
    ...faultRoutes(ctx.faults, faultRuleInput),
    ...seedRoutes((organizations) => ctx.seed(organizations)),
  ]);
}
