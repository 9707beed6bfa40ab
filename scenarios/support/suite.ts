/**
 * Shared plumbing of the scenario catalogue: a clean stack per file, the customer's checkout under the
 * scenario's control (tampering) judged by routing.ts's judgeAttempt(), direct r3
 * calls to Kaspi with a seller's own device (error codes a client cannot provoke), and the findings
 * a scenario reports besides where money went.
 *
 * Naming convention: every catalogue file's top-level `describe` is `[<suite>] …`, so
 * `npx vitest run --project scenarios -t '\[fallback\]'` selects one suite.
 */
import type { Faker } from '@faker-js/faker';
import { clearBitrixCache } from '../../simulator/bitrix/cache.ts';
import { afterAll, beforeAll } from 'vitest';
import { seededFaker } from '../../fixtures/customers.ts';
import { runSettings } from '../../stack/run-settings.ts';
import { connectToStack, type StackClients } from './stack-context.ts';
import {
  checkout,
  fetchCatalogue,
  type CallShape,
  type CheckoutAttempt,
  type PaymentMethod,
  type Product,
} from '../../simulator/bitrix/storefront-client.ts';

export { recordFinding, type Finding } from './findings.ts';
import { NotImplemented } from './causes.ts';

/** Kaspi, the payment-service and the Bitrix cache back to their seeded start state, service up. */
export async function resetStack(stack: StackClients): Promise<void> {
  await Promise.all([stack.kaspi.reset(), stack.paymentService.reset()]);
  await stack.paymentService.up();
  await clearBitrixCache(stack.info.bitrix.documentRoot);
}

export const clearCache = (stack: StackClients): Promise<void> =>
  clearBitrixCache(stack.info.bitrix.documentRoot);

export interface CustomerRequest {
  items: { productId: number; quantity: number }[];
  method?: PaymentMethod;
  /** Extra request headers the customer's browser sends (`X-Shop-Id`, say). */
  headers?: Record<string, string>;
  /** Query string appended to the checkout URL, with its `?`. */
  query?: string;
  /** Extra top-level fields in the JSON body (`shop_id`, say). */
  bodyExtra?: Record<string, unknown>;
  /** How the site calls the class (default: with the seller's shop id). */
  callShape?: CallShape;
}

/** The customer's checkout, with whatever the scenario wants the browser to add. */
export function customerCheckout(
  stack: StackClients,
  faker: Faker,
  request: CustomerRequest,
): Promise<CheckoutAttempt> {
  return checkout(
    stack.info.bitrix.url,
    {
      items: request.items,
      paymentMethod: request.method ?? 'qr',
      faker,
      bodyExtra: request.bodyExtra,
      callShape: request.callShape,
    },
    { headers: request.headers, query: request.query },
  );
}

export { judgeAttempt, type TracedPayment as JudgedPayment } from './routing.ts';

export interface KaspiAnswer<T = unknown> {
  httpStatus: number;
  StatusCode: number | null;
  Message?: string;
  Data?: T;
}

/** A direct r3 call to the Kaspi simulator (the plain listener), as the partner's server would make it. */
export async function kaspiR3<T = unknown>(
  stack: StackClients,
  method: 'GET' | 'POST',
  path: string,
  body?: Record<string, unknown>,
): Promise<KaspiAnswer<T>> {
  const response = await fetch(`${stack.info.kaspi.url}/r3/v01/${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', 'X-Request-ID': crypto.randomUUID() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  try {
    const parsed = JSON.parse(text) as { StatusCode?: number; Message?: string; Data?: T };
    return {
      httpStatus: response.status,
      StatusCode: parsed.StatusCode ?? null,
      ...(parsed.Message !== undefined ? { Message: parsed.Message } : {}),
      ...(parsed.Data !== undefined ? { Data: parsed.Data } : {}),
    };
  } catch {
    return { httpStatus: response.status, StatusCode: null, Message: text.slice(0, 300) };
  }
}

/** Runs `work` over `items` with at most `limit` in flight; results in input order. */
export async function boundedAll<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  });
  await Promise.all(runners);
  return results;
}

/**
 * `POST /control/clock` of the Kaspi simulator (`{freeze?, advanceSeconds?, set?}`): every Kaspi
 * timeout is measured on it; `kaspi.reset()` puts it back on real time.
 */
export async function kaspiClock(
  stack: StackClients,
  change: { freeze?: boolean; advanceSeconds?: number; set?: string },
): Promise<{ now: string; frozen: boolean }> {
  const response = await fetch(`${stack.info.kaspi.controlUrl}/control/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(change),
  });
  if (!response.ok)
    throw new Error(`Kaspi /control/clock answered HTTP ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { clock: { now: string; frozen: boolean } }).clock;
}

/** Kaspi's own test-host emulator (`/test/payment/scan|confirm|scanerror|confirmerror`) on the Kaspi URL. */
export async function kaspiTestEmulator(
  stack: StackClients,
  transition: 'scan' | 'confirm' | 'scanerror' | 'confirmerror',
  qrPaymentId: number,
): Promise<{ StatusCode: number | null }> {
  const response = await fetch(`${stack.info.kaspi.url}/test/payment/${transition}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ qrPaymentId: String(qrPaymentId) }),
  });
  const body = (await response.json().catch(() => ({}))) as { StatusCode?: number };
  return { StatusCode: body.StatusCode ?? null };
}

/** What the storefront's status poll answers (`GET /local/api/order-status.php?id=`). */
export interface OrderStatus {
  id: number;
  accountNumber: string;
  payed: 'Y' | 'N';
  statusId: string;
  display: 'Pending' | 'Paid' | 'Failed' | 'Expired';
  kaspiStatus: string;
  pollingInterval: number;
  final: boolean;
  webhook: string;
}

export async function pollOrderStatus(stack: StackClients, orderId: number): Promise<OrderStatus> {
  const response = await fetch(`${stack.info.bitrix.url}/local/api/order-status.php?id=${orderId}`);
  const body = (await response.json()) as {
    ok: boolean;
    order?: OrderStatus;
    error?: { code: string; message: string };
  };
  if (body.error?.code === 'not_implemented') throw new NotImplemented(body.error.message);
  if (!response.ok || !body.order)
    throw new Error(`order-status.php?id=${orderId} answered HTTP ${response.status}`);
  return body.order;
}

/** The run's seed (`--seed`): customers and baskets, so the same seed replays a run. */
export const runSeed = (): number => runSettings().seed;

/**
 * The usual start of a scenario file: this worker's stack, reset to its seeded state before the
 * file's tests, the seeded faker, and the storefront's catalogue (filled before the first test).
 */
export function scenarioFile(): { stack: StackClients; faker: Faker; catalogue: Product[] } {
  const stack = connectToStack();
  const faker = seededFaker(runSeed());
  const catalogue: Product[] = [];
  beforeAll(async () => {
    await resetStack(stack);
    catalogue.splice(0, catalogue.length, ...(await fetchCatalogue(stack.info.bitrix.url)));
  });
  afterAll(() => stack.close());
  return { stack, faker, catalogue };
}
