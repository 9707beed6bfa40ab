/**
 * Wires the simulator's tools around the Kaspi state: the Kaspi listener (msw handlers behind the
 * node:http adapter, with the fast path, faults and journal) and the control listener (control API
 * and dashboard). server.ts only opens the ports; this file decides what runs on them.
 */
import type { RequestListener } from 'node:http';
import type { RequestHandler } from 'msw';
import type { ControlRoute } from '../../platform/http/control-api.ts';
import { createControlListener } from './control.ts';
import { createFastPath } from './fast-path.ts';
import { FaultRegistry } from './faults.ts';
import { createMswNodeListener } from './http-adapter.ts';
import type { Journal } from './journal.ts';
import { attribute, journalEntryFor, parseObject } from './journal-entry.ts';
import { routeCatalogue } from './near-miss.ts';
import type { KaspiState } from './state.ts';
import { refuseKaspiRequest } from './request-checks.ts';
import { StatusCode } from './status-codes.ts';

export interface ToolingOptions {
  state: KaspiState;
  journal: Journal;
  handlers: readonly RequestHandler[];
  openApiDocument(): unknown;
  /** Off for comparisons against the pure msw path (fast-path.test.ts). Default on. */
  fastPath?: boolean;
  extraControlRoutes?: readonly ControlRoute[];
  /** Known once the listeners are up; shown by the dashboard. */
  urls(): { kaspiUrl: string; controlUrl: string };
}

export interface Tooling {
  kaspiListener: RequestListener;
  controlListener: RequestListener;
  faults: FaultRegistry;
  reset(): void;
}

export function createTooling(options: ToolingOptions): Tooling {
  const { state, journal } = options;
  const faults = new FaultRegistry();
  const routes = routeCatalogue(options.handlers);

  const kaspiListener = createMswNodeListener({
    handlers: options.handlers,
    errorBody: (message) => ({ StatusCode: StatusCode.unavailable, Message: message }),
    faultBody: (statusCode, message) => ({ StatusCode: statusCode, Message: message }),
    onExchange: (exchange) => journal.record(journalEntryFor(state, exchange, routes)),
    fastPath: options.fastPath === false ? undefined : createFastPath(state),
    refuse: refuseKaspiRequest,
    faults: (method, path, body) =>
      faults.decide({
        method,
        path,
        bin: () => attribute(state, path, parseObject(body)).organizationBin,
      }),
  });

  const reset = () => {
    state.reset();
    journal.clear();
    faults.remove();
  };

  const controlListener = createControlListener({
    state,
    journal,
    faults,
    reset,
    seed: (organizations) => {
      state.seed(organizations);
      journal.clear();
      faults.remove();
    },
    openApiDocument: options.openApiDocument,
    info: () => ({
      ...options.urls(),
      journalSize: journal.size,
      journalCapacity: journal.capacity,
      journalTotal: journal.total,
      faults: faults.size,
    }),
    extraRoutes: options.extraControlRoutes,
  });

  return { kaspiListener, controlListener, faults, reset };
}
