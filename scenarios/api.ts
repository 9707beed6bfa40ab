/**
 * `kaspi-harness/scenarios`: what a site's own scenario files use (docs/site-scenarios.md). A file in
 * the site's `kaspi-scenarios/` (or `scenariosDir`) runs in the same runner, on the same stacks and
 * into the same report as the catalogue, and builds on the same pieces the catalogue's files do.
 * Import everything from here, the test functions included: they are the runner's own.
 */
export { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';

/** The file's stack (reset to its seeded start), seeded faker and storefront catalogue. */
export {
  boundedAll,
  customerCheckout,
  kaspiClock,
  kaspiR3,
  kaspiTestEmulator,
  pollOrderStatus,
  resetStack,
  runSeed,
  scenarioFile,
  type CustomerRequest,
  type KaspiAnswer,
  type OrderStatus,
} from './support/suite.ts';
export type { StackClients } from './support/stack-context.ts';

/** One check per seller of the run, and where each payment landed. */
export { forEachSeller, selectedSellers, siteCheck } from './support/each-seller.ts';
export { judgeAttempt, tracePayment, type TracedPayment } from './support/routing.ts';
export type { Expectation, RoutingResult, Verdict } from './support/verdict.ts';

/** What the report says about a failed check: its root cause and the findings beside it. */
export { because, causes, recordCause, type Cause, type Hop } from './support/causes.ts';
export { recordFinding, type Finding } from './support/findings.ts';

/** Evidence in the site's stores: the order in MySQL, the paymentlog rows in PostgreSQL. */
export { paymentLogRows, storedOrder, type PaymentLogRow, type StoredOrder } from './support/evidence.ts';

/** Who must receive the money: the run's sellers (the site's sellers file, when it has one). */
export {
  allOrganizations,
  fallbackOrganization,
  organizationByBin,
  sellerByShopId,
  sellers,
  type Organization,
  type Seller,
} from '../fixtures/organizations.ts';
export type { CallShape, PaymentMethod, Product } from '../simulator/bitrix/storefront-client.ts';
