/**
 * The simulated service's routes on the platform router (platform/http/router.ts), with FastAPI's
 * answers outside them: `{"detail": …}` 404, 405 (with `Allow`), 413 and 500. Every route gets the
 * request's fault scope (a stale config, another shop's row) in its context.
 */
import {
  BodyTooLarge,
  createRouter,
  type RequestContext,
  type Route as PlatformRoute,
  type Router,
} from '../../platform/http/router.ts';
import type { PaymentConfigRow } from './store.ts';

export { openApiStyle, routeKey, type RouteMatch } from '../../platform/http/router.ts';

export interface JsonResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Per-request adjustments the fault layer makes (a stale config, another shop's row); empty in the normal case. */
export interface RequestScope {
  /** Rewrites a config as read from the database, before the route uses or serves it. */
  adjustConfig?: (row: PaymentConfigRow) => PaymentConfigRow;
  /** The shop whose stored row a config lookup reads instead of the requested one (a wrong-shop mix-up). */
  lookupShopId?: number;
}

export type RouteContext = RequestContext & { scope: RequestScope };
export type Route = PlatformRoute<{ scope: RequestScope }, JsonResponse>;
export type Dispatcher = Router<{ scope: RequestScope }, JsonResponse>;

/** FastAPI's answers outside the routes. */
export const fastapiAnswers = {
  notFound: { status: 404, body: { detail: 'Not Found' } },
  methodNotAllowed: { status: 405, body: { detail: 'Method Not Allowed' } },
  internalError: { status: 500, body: { detail: 'Internal Server Error' } },
  tooLarge: { status: 413, body: { detail: 'Request Entity Too Large' } },
} satisfies Record<string, JsonResponse>;

/** The service's routes as FastAPI serves them: exact paths, its own error answers. */
export function createDispatcher(routes: readonly Route[]): Dispatcher {
  return createRouter(routes, {
    notFound: () => fastapiAnswers.notFound,
    methodNotAllowed: () => fastapiAnswers.methodNotAllowed,
    failure: (error) =>
      error instanceof BodyTooLarge ? fastapiAnswers.tooLarge : fastapiAnswers.internalError,
  });
}
