/**
 * The contract the site's payment-service serves in this run (`--payment-service-contract`), as the
 * scenarios need it: which route a fault on "the config lookup" aims at, and whether the deployment
 * has a payment-log route at all (without one, no class can write the paymentlog, and checks of it do
 * not apply).
 */
import type { StackClients } from './stack-context.ts';

export interface DeclaredContract {
  /** `guide`, `deployed`, `both` or `openapi`. */
  name: string;
  routes: readonly string[];
  /** The config lookup route, for faults; undefined when the contract has none (faults then go global). */
  lookupRoute?: string;
  /** The payment-log route, when there is one. */
  logRoute?: string;
  healthRoute?: string;
}

const lookupRoutes = ['GET /api/payment/config', 'GET /admin/configs/{shop_id}'];
const logRoutes = ['POST /api/payment/log'];
const healthRoutes = ['GET /api/health', 'GET /health'];

const first = (candidates: readonly string[], routes: readonly string[]): string | undefined =>
  candidates.find((route) => routes.includes(route));

/** The contract a reset restores: the run's declared one, whatever a scenario switched to since. */
export async function declaredContract(stack: StackClients): Promise<DeclaredContract> {
  const served = await stack.paymentService.contract();
  const routes = served.startRoutes;
  return {
    name: served.start,
    routes,
    lookupRoute: first(lookupRoutes, routes),
    logRoute: first(logRoutes, routes),
    healthRoute: first(healthRoutes, routes),
  };
}
