/**
 * One payment, traced: check out a seller's basket (or take a checkout a scenario made its own way),
 * find what the Kaspi simulator recorded, judge where the money landed, and attach that judgement —
 * with the payment's hops, stack deaths and unexpected egress — to the test for the report.
 */
import type { Faker } from '@faker-js/faker';
import type { TaskMeta } from 'vitest';
import { fallbackOrganization, type Seller } from '../../fixtures/organizations.ts';
import type { Purchase } from '../../simulator/kaspi/types.ts';
import { egressControl } from '../../stack/egress/control-client.ts';
import type { UnexpectedEgress } from '../../stack/egress/proxy.ts';
import { serviceDeaths } from '../../stack/health.ts';
import type { StackClients } from './stack-context.ts';
import { basketFor, checkout, type CheckoutAttempt, type PaymentMethod, type Product } from './storefront.ts';
import { recordFinding } from './findings.ts';
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

/** Why nothing reached Kaspi; a dead stack service is named as such, never as a routing result. */
function failureOf(stack: StackClients, attempt: CheckoutAttempt, scenario: string, meta?: TaskMeta): string {
  const failure = attempt.body.ok
    ? `checkout reported Kaspi payment ${attempt.body.payment.qrPaymentId}, but Kaspi has no such purchase`
    : `checkout answered HTTP ${attempt.httpStatus}: ${attempt.body.error.code} — ${attempt.body.error.message}`;
  const deaths = serviceDeaths(stack.info.healthFile);
  if (deaths.length === 0) return failure;
  for (const death of deaths) {
    if (meta) {
      recordFinding(meta, {
        suite: scenario,
        key: `service-died:${death.service}`,
        severity: 'defect',
        message: `${death.service} died at ${death.at}; payments after that are not routing results`,
        evidence: { log: death.message },
      });
    }
  }
  return `STACK FAILURE, not a routing result: ${deaths.map((d) => d.service).join(', ')} died during the run (${failure})`;
}

/** Where the PHP code tried to go, as a reader of the report needs it (a name lookup has no port). */
function egressDestination(event: UnexpectedEgress): string {
  return event.method === 'dns' ? `${event.host} (name lookup)` : `${event.host}:${event.port}`;
}

/** Why it did not get there: the proxy refused it, or the network namespace blocked it outright. */
function egressRefusal(event: UnexpectedEgress): string {
  if (event.method === 'dns')
    return 'a name lookup from inside the sandbox; only the egress proxy resolves names, so it was refused';
  if (event.method === 'socket')
    return 'a raw socket past the egress proxy; the network namespace blocked it before it left';
  return 'the sandbox does not route it; it was refused';
}

/** Egress the sandbox refused while this checkout ran: it fails the scenario that caused it. */
async function refusedEgress(
  stack: StackClients,
  attempt: CheckoutAttempt,
  scenario: string,
  meta?: TaskMeta,
) {
  if (!stack.info.egress) return [];
  const from = attempt.startedAt.getTime() - 5;
  const to = attempt.startedAt.getTime() + attempt.elapsedMs + 5;
  const refused = (await egressControl(stack.info.egress.url).unexpected()).filter((event) => {
    const at = Date.parse(event.time);
    return at >= from && at <= to;
  });
  for (const event of refused) {
    if (meta) {
      recordFinding(meta, {
        suite: scenario,
        key: `unexpected-egress:${event.host}:${event.port}`,
        severity: 'defect',
        message: `the PHP code tried to reach ${egressDestination(event)}: ${egressRefusal(event)}`,
        evidence: { method: event.method, url: event.url ?? null, codePath: event.codePath ?? null },
      });
    }
  }
  return refused;
}

/**
 * Judges a checkout the scenario made (the seller's BIN and token, the fallback's, or astray) and
 * records it on the test for the routing matrix. `scenario` is the matrix column.
 */
export async function judgeAttempt(
  stack: StackClients,
  options: {
    scenario: string;
    seller: Seller;
    attempt: CheckoutAttempt;
    expectation: Expectation;
    meta?: TaskMeta;
    /** How the checkout was described in the trace (defaults to the endpoint). */
    request?: string;
  },
): Promise<TracedPayment> {
  const { attempt, seller, scenario, meta } = options;
  const purchase = attempt.body.ok
    ? ((await stack.kaspi.purchase(attempt.body.payment.qrPaymentId)) ?? null)
    : null;
  const verdict = judge({
    seller,
    fallback: fallbackOrganization,
    expectation: options.expectation,
    landed: purchase,
    failure: purchase ? undefined : failureOf(stack, attempt, scenario, meta),
  });
  const trace = await collectTrace(
    stack,
    { from: attempt.startedAt, to: new Date(attempt.startedAt.getTime() + attempt.elapsedMs) },
    {
      request: options.request ?? 'POST /local/api/checkout.php',
      answer: attempt.body.ok
        ? `HTTP ${attempt.httpStatus}, order ${attempt.body.order.id}`
        : `HTTP ${attempt.httpStatus} ${attempt.body.error.code}`,
      ms: attempt.elapsedMs,
    },
    purchase?.organizationBin ?? null,
  );
  const result: RoutingResult = {
    scenario,
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
  const refused = await refusedEgress(stack, attempt, scenario, meta);
  if (refused.length) {
    result.passed = false;
    result.reason = `unexpected egress refused: ${refused.map(egressDestination).join(', ')}; ${result.reason}`;
  }
  if (meta) meta.routing = result;
  return { result, attempt, purchase };
}

/** Checks out one or two of the seller's products and judges where the money went. */
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
  const method = options.method ?? 'qr';
  if (stack.info.egress) await egressControl(stack.info.egress.url).setScenario(options.scenario);
  const attempt = await checkout(stack.info.bitrix.url, { items, paymentMethod: method, faker });
  return judgeAttempt(stack, {
    ...options,
    attempt,
    request: `POST /local/api/checkout.php (${items.length} item(s), ${method})`,
  });
}
