/**
 * One payment, traced: check out a seller's basket, find what the Kaspi simulator recorded, judge
 * where the money landed, and attach that judgement to the test so the report can show it.
 */
import type { Faker } from '@faker-js/faker';
import type { TaskMeta } from 'vitest';
import { fallbackOrganization, type Seller } from '../../fixtures/organizations.ts';
import type { Purchase } from '../../simulator/kaspi/index.ts';
import type { StackClients } from './stack-context.ts';
import { basketFor, checkout, type CheckoutAttempt, type PaymentMethod, type Product } from './storefront.ts';
import { egressControl } from '../../stack/egress/index.ts';
import { serviceDeaths } from '../../stack/health.ts';
import { recordFinding } from './suite.ts';
import { collectTrace } from './trace.ts';
import { judge, type Expectation, type RoutingResult } from './verdict.ts';

declare module 'vitest' {
  interface TaskMeta {
    routing?: RoutingResult;
  }
}

export interface TracedPayment {
  result: RoutingResult;
  attempt: CheckoutAttempt;
  purchase: Purchase | null;
}

export async function tracePayment(
  stack: StackClients,
  options: {
    scenario: string;
    seller: Seller;
    catalogue: readonly Product[];
    faker: Faker;
    expectation: Expectation;
    method?: PaymentMethod;
    meta?: TaskMeta;
  },
): Promise<TracedPayment> {
  const { seller, faker } = options;
  const items = basketFor(seller, options.catalogue, faker);
  const egress = stack.info.egress ? egressControl(stack.info.egress.url) : undefined;
  await egress?.setScenario(options.scenario);
  const egressBefore = (await egress?.unexpected(options.scenario))?.length ?? 0;
  const from = new Date();
  const attempt = await checkout(stack.info.bitrix.url, {
    items,
    paymentMethod: options.method ?? 'qr',
    faker,
  });
  const to = new Date();
  let purchase: Purchase | null = null;
  let failure: string | undefined;
  if (attempt.body.ok) {
    const purchases = await stack.kaspi.purchases({ qrPaymentId: attempt.body.payment.qrPaymentId });
    purchase = purchases[0] ?? null;
    if (!purchase)
      failure = `checkout reported Kaspi payment ${attempt.body.payment.qrPaymentId}, but Kaspi has no such purchase`;
  } else {
    failure = `checkout answered HTTP ${attempt.httpStatus}: ${attempt.body.error.code} — ${attempt.body.error.message}`;
    const deaths = serviceDeaths(stack.info.healthFile);
    if (deaths.length) {
      // Not a routing verdict: the stack itself broke. Say which service, with its last log lines.
      failure = `STACK FAILURE, not a routing result: ${deaths.map((d) => d.service).join(', ')} died during the run (${failure})`;
      if (options.meta) {
        for (const death of deaths) {
          recordFinding(options.meta, {
            suite: options.scenario,
            key: `service-died:${death.service}`,
            severity: 'defect',
            message: `${death.service} died at ${death.at}; payments after that are not routing results`,
            evidence: { log: death.message },
          });
        }
      }
    }
  }
  const verdict = judge({
    seller,
    fallback: fallbackOrganization,
    expectation: options.expectation,
    landed: purchase,
    failure,
  });
  const trace = await collectTrace(
    stack,
    { from, to },
    {
      request: `POST /local/api/checkout.php (${items.length} item(s), ${options.method ?? 'qr'})`,
      answer: attempt.body.ok
        ? `HTTP ${attempt.httpStatus}, order ${attempt.body.order.id}`
        : `HTTP ${attempt.httpStatus} ${attempt.body.error.code}`,
      ms: attempt.elapsedMs,
    },
    purchase?.organizationBin ?? null,
  );
  const result: RoutingResult = {
    scenario: options.scenario,
    sellerName: seller.name,
    shopId: seller.shopId,
    sellerBin: seller.bin,
    expectedBin: verdict.expectedBin,
    receivedBin: purchase?.organizationBin ?? null,
    receivedToken: purchase?.deviceToken ?? null,
    verdict: verdict.verdict,
    passed: verdict.passed,
    reason: verdict.reason,
    qrPaymentId: purchase?.qrPaymentId ?? null,
    orderId: attempt.body.ok ? attempt.body.order.id : null,
    amount: purchase?.amount ?? null,
    durationMs: attempt.elapsedMs,
    trace,
  };
  const refused = (await egress?.unexpected(options.scenario))?.slice(egressBefore) ?? [];
  if (refused.length) {
    // The sandbox stopped the code from reaching a host it does not route: the scenario fails.
    result.passed = false;
    result.reason = `unexpected egress refused: ${refused.map((e) => `${e.host}:${e.port}`).join(', ')}; ${result.reason}`;
    for (const event of refused) {
      if (options.meta) {
        recordFinding(options.meta, {
          suite: options.scenario,
          key: `unexpected-egress:${event.host}:${event.port}`,
          severity: 'defect',
          message: `the PHP code tried to reach ${event.host}:${event.port}, which the sandbox does not route; it was refused`,
          evidence: { method: event.method, url: event.url ?? null, codePath: event.codePath ?? null },
        });
      }
    }
  }
  if (options.meta) options.meta.routing = result;
  return { result, attempt, purchase };
}
