/**
 * One payment, traced: check out a seller's basket (or take a checkout a scenario made its own way),
 * find what the Kaspi simulator recorded, judge where the money landed, and attach that judgement —
 * with the payment's hops, its root cause when it failed (causes.ts), stack deaths, unexpected egress
 * and contract drift — to the test for the report.
 */
import type { Faker } from '@faker-js/faker';
import type { TaskMeta } from 'vitest';
import { fallbackOrganization, type Seller } from '../../fixtures/organizations.ts';
import type { Purchase } from '../../simulator/kaspi/types.ts';
import { egressControl } from '../../platform/egress/control-client.ts';
import type { UnexpectedEgress } from '../../platform/egress/proxy.ts';
import { serviceDeaths } from '../../platform/health.ts';
import { diagnosePayment, NotImplemented, recordCause, type PaymentContext } from './causes.ts';
import { recordFinding } from './findings.ts';
import type { StackClients } from './stack-context.ts';
import {
  basketFor,
  checkout,
  type CallShape,
  type CheckoutAttempt,
  type PaymentMethod,
  type Product,
} from '../../simulator/bitrix/storefront-client.ts';
import { collectTrace, type Window } from './trace.ts';
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

const inWindow = (time: string, window: Window): boolean => {
  const at = Date.parse(time);
  return at >= window.from.getTime() - 5 && at <= window.to.getTime() + 5;
};

/** Egress the sandbox refused during `window`: a defect finding each, and the check fails. */
async function refusedEgress(stack: StackClients, window: Window, scenario: string, meta?: TaskMeta) {
  if (!stack.info.egress) return [];
  const refused = (await egressControl(stack.info.egress.url).unexpected()).filter((event) =>
    inWindow(event.time, window),
  );
  for (const event of refused) {
    recordFindingOn(meta, {
      suite: scenario,
      key: `unexpected-egress:${event.host}:${event.port}`,
      severity: 'defect',
      message: `the PHP code tried to reach ${egressDestination(event)}: ${egressRefusal(event)}`,
      evidence: { method: event.method, url: event.url ?? null, codePath: event.codePath ?? null },
    });
  }
  return refused;
}

const recordFindingOn = (meta: TaskMeta | undefined, finding: Parameters<typeof recordFinding>[1]) => {
  if (meta) recordFinding(meta, finding);
};

/**
 * Calls to the payment-service that the declared contract does not serve, during `window`: each is a
 * defect (the deployment would answer 404), with the routes it called and the nearest served ones.
 */
export async function contractDrift(
  stack: StackClients,
  window: Window,
  scenario: string,
  meta?: TaskMeta,
  /** `info`: the scenario switched to another contract on purpose, to show what would happen there. */
  severity: 'defect' | 'info' = 'defect',
) {
  const drift = (await stack.paymentService.drift().catch(() => [])).filter((entry) =>
    inWindow(entry.time, window),
  );
  const seen = new Set<string>();
  for (const entry of drift) {
    const route = `${entry.method} ${entry.path.split('?')[0]}`;
    if (seen.has(route)) continue;
    seen.add(route);
    recordFindingOn(meta, {
      suite: scenario,
      key: `drift:${route}`,
      severity,
      message:
        severity === 'defect'
          ? `The Bitrix client calls ${route}, which the "${entry.profile}" contract the site's payment-service serves does not serve${entry.nearest.length ? `; nearest: ${entry.nearest.slice(0, 3).join(', ')}` : ''}.`
          : `Against the "${entry.profile}" contract the Bitrix client's ${route} would not be served${entry.nearest.length ? ` (nearest: ${entry.nearest.slice(0, 3).join(', ')})` : ''}.`,
      evidence: {
        profile: entry.profile,
        request: `${entry.method} ${entry.path}`,
        nearest: entry.nearest.join(' | '),
      },
    });
  }
  return drift;
}

/** The purchase Kaspi holds for a checkout: by the id the checkout reported, else by its order. */
async function purchaseOf(stack: StackClients, attempt: CheckoutAttempt): Promise<Purchase | null> {
  if (attempt.body.ok) return (await stack.kaspi.purchase(attempt.body.payment.qrPaymentId)) ?? null;
  const accountNumber = attempt.body.order?.accountNumber;
  if (!accountNumber) return null;
  const [found] = await stack.kaspi.purchases({ externalId: accountNumber });
  return found ?? null;
}

/**
 * Judges a checkout the scenario made (the seller's BIN and token, the fallback's, or astray) and
 * records it on the test for the routing matrix. `scenario` is the matrix column; `context` says what
 * the scenario did (cache, outage, tampering), so that a failure is traced to its cause.
 */
export async function judgeAttempt(
  stack: StackClients,
  options: {
    scenario: string;
    seller: Seller;
    attempt: CheckoutAttempt;
    expectation: Expectation;
    meta?: TaskMeta;
    context?: PaymentContext;
    /** How the checkout was described in the trace (defaults to the endpoint). */
    request?: string;
    /** `info` when the scenario serves another contract than the declared one on purpose. */
    drift?: 'defect' | 'info';
  },
): Promise<TracedPayment> {
  const { attempt, seller, scenario, meta } = options;
  if (!attempt.body.ok && attempt.body.error.code === 'not_implemented')
    throw new NotImplemented(attempt.body.error.message);
  const window: Window = {
    from: attempt.startedAt,
    to: new Date(attempt.startedAt.getTime() + attempt.elapsedMs),
  };
  const purchase = await purchaseOf(stack, attempt);
  // A purchase the checkout did not report is not where the money went as far as the site knows.
  const landed = attempt.body.ok ? purchase : null;
  const verdict = judge({
    seller,
    fallback: fallbackOrganization,
    expectation: options.expectation,
    landed,
  });
  // This payment's Kaspi requests name the seller's, the fallback's or the purchase's BIN, or use
  // the seller's or the fallback's device (a class may send one with another's BIN).
  const relevantBins = new Set([seller.bin, fallbackOrganization.bin, purchase?.organizationBin]);
  const relevantTokens = new Set([seller.deviceToken, fallbackOrganization.deviceToken]);
  const [trace, drift, refused] = await Promise.all([
    collectTrace(
      stack,
      window,
      {
        request: options.request ?? 'POST /local/api/checkout.php',
        answer: attempt.body.ok
          ? `HTTP ${attempt.httpStatus}, order ${attempt.body.order.id}`
          : `HTTP ${attempt.httpStatus} ${attempt.body.error.code}: ${attempt.body.error.message.slice(0, 200)}`,
        ms: attempt.elapsedMs,
      },
      (entry) =>
        entry.organizationBin === null ||
        relevantBins.has(entry.organizationBin) ||
        (entry.deviceToken !== null && relevantTokens.has(entry.deviceToken)),
    ),
    contractDrift(stack, window, scenario, meta, options.drift),
    refusedEgress(stack, window, scenario, meta),
  ]);
  const result: RoutingResult = {
    scenario,
    sellerName: seller.name,
    shopId: seller.shopId,
    sellerBin: seller.bin,
    expectedBin: verdict.expectedBin,
    receivedBin: landed?.organizationBin ?? null,
    receivedToken: landed?.deviceToken ?? null,
    verdict: verdict.verdict,
    passed: verdict.passed && refused.length === 0,
    reason: verdict.reason,
    qrPaymentId: landed?.qrPaymentId ?? null,
    orderId: attempt.body.ok ? attempt.body.order.id : (attempt.body.order?.id ?? null),
    amount: landed?.amount ?? null,
    durationMs: attempt.elapsedMs,
    trace: trace.hops,
  };
  if (!result.passed) {
    const deaths = serviceDeaths(stack.info.healthFile);
    for (const death of deaths) {
      recordFindingOn(meta, {
        suite: scenario,
        key: `service-died:${death.service}`,
        severity: 'defect',
        message: `${death.service} died at ${death.at}; payments after that are not routing results`,
        evidence: { log: death.message },
      });
    }
    const diagnosis = diagnosePayment({
      seller,
      expectation: options.expectation,
      context: options.context ?? {},
      checkout: attempt.body.ok
        ? { ok: true, httpStatus: attempt.httpStatus }
        : {
            ok: false,
            httpStatus: attempt.httpStatus,
            errorCode: attempt.body.error.code,
            errorMessage: attempt.body.error.message,
          },
      landed: purchase,
      kaspi: trace.kaspi,
      service: trace.service,
      drift,
      deaths: deaths.map((death) => death.service),
      refusedEgress: refused.map(egressDestination),
    });
    result.reason = diagnosis.reason;
    result.cause = diagnosis.cause;
    recordCause(meta, diagnosis.cause);
  }
  if (meta) meta.routing = result;
  return { result, attempt, purchase: landed };
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
    callShape?: CallShape;
    meta?: TaskMeta;
    context?: PaymentContext;
  },
): Promise<TracedPayment> {
  const { seller, faker } = options;
  const items = basketFor(seller, options.catalogue, faker);
  const method = options.method ?? 'qr';
  if (stack.info.egress) await egressControl(stack.info.egress.url).setScenario(options.scenario);
  const attempt = await checkout(stack.info.bitrix.url, {
    items,
    paymentMethod: method,
    faker,
    callShape: options.callShape,
  });
  return judgeAttempt(stack, {
    ...options,
    attempt,
    context: { ...options.context, ...(options.callShape ? { callShape: options.callShape } : {}) },
    request: `POST /local/api/checkout.php (${items.length} item(s), ${method}${options.callShape === 'order-context' ? ', from an order context' : ''})`,
  });
}
