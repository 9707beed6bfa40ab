/**
 * The deployment guide's Phase 6, "test all 7 sellers end to end": one order per seller through the
 * Bitrix checkout, proved at the Kaspi simulator, in MySQL and in the paymentlog — then again with
 * the payment-service down (warm cache, then cold cache: the documented fallback), then back up.
 * The phases share the stack and run in order, as an operator would run them. The first places the
 * orders one after another, so that each seller's config is looked up and cached in turn (a cache
 * shared across shops shows there as every later seller paid to the first); in the other phases the
 * seven orders are placed at the same time, as customers would place them. A phase changes the
 * payment-service only in its beforeAll, so concurrent orders never see the state change.
 */
import { afterAll, beforeAll, describe, type TestContext } from 'vitest';
import { seededFaker } from '../fixtures/customers.ts';
import { fallbackOrganization, type Seller } from '../fixtures/organizations.ts';
import { clearBitrixCache as clearCacheOf } from '../simulator/bitrix/cache.ts';
import { appendedSince, fileMark } from './support/bitrix-files.ts';
import { because, causes, type Cause, type PaymentContext } from './support/causes.ts';
import { declaredContract } from './support/contract.ts';
import { paymentLogRows, storedOrder } from './support/evidence.ts';
import { tracePayment } from './support/routing.ts';
import type { Expectation } from './support/verdict.ts';
import { connectToStack } from './support/stack-context.ts';
import { forEachSeller, textHash } from './support/each-seller.ts';
import { runSeed } from './support/suite.ts';
import { fetchCatalogue, type Product } from '../simulator/bitrix/storefront-client.ts';

const stack = connectToStack();
let catalogue: Product[] = [];

beforeAll(async () => {
  await Promise.all([stack.kaspi.reset(), stack.paymentService.reset(), stack.paymentService.up()]);
  await clearBitrixCache();
  catalogue = await fetchCatalogue(stack.info.bitrix.url);
});

afterAll(async () => {
  await stack.paymentService.up();
  await stack.close();
});

const clearBitrixCache = () => clearCacheOf(stack.info.bitrix.documentRoot);
/**
 * Each order draws its basket and customer from its own seeded faker: concurrent orders would draw
 * from a shared one in whatever order the network answers, and the same seed must replay the run.
 */
const pay = (
  scenario: string,
  seller: Seller,
  task: TestContext['task'],
  context: PaymentContext,
  expectation: Expectation = 'seller',
) => {
  const faker = seededFaker(runSeed() + textHash(`${scenario} ${seller.shopId}`));
  return tracePayment(stack, { scenario, seller, catalogue, faker, expectation, meta: task.meta, context });
};
const down = 'payment-service down (connection refused)';

const crossCheck = {
  order: (): Cause => ({
    key: 'order-bin',
    hop: 'Kaspi → Bitrix',
    what: "the order in MySQL does not record the Kaspi purchase and BIN: the class's answer (`data`, `sentData`) does not say what Kaspi did",
    fix: "return Kaspi's decoded answer as `data` and the body sent as `sentData`",
  }),
  paymentlog: (): Cause => causes.paymentlogRow('create', 'QR payment'),
};
const concurrent = { concurrent: true };

describe('routing: payment-service up', () => {
  forEachSeller(
    '%s is paid on its own BIN, and MySQL and the paymentlog agree',
    async (seller, task, expect) => {
      const { result, attempt } = await pay('routing: payment-service up', seller, task, { cache: 'cold' });
      expect(result.passed, result.reason).toBe(true);
      if (!attempt.body.ok) throw new Error('unreachable: a passed routing result has a successful checkout');
      const order = await storedOrder(stack, attempt.body.order.id);
      await because(task.meta, crossCheck.order(), () => {
        expect(order?.properties.KASPI_PAYMENT_ID, 'the order refers to the Kaspi purchase').toBe(
          String(result.qrPaymentId),
        );
        expect(order?.properties.KASPI_ORGANIZATION_BIN).toBe(seller.bin);
      });
      // A deployment without a payment-log route (the deployed contract) has no paymentlog to write.
      if (!(await declaredContract(stack)).logRoute) return;
      const logs = await paymentLogRows(stack, String(result.qrPaymentId));
      await because(task.meta, crossCheck.paymentlog(), () =>
        expect(
          logs.map((row) => [row.shop_id, row.organization_bin]),
          'paymentlog row in PostgreSQL',
        ).toEqual([[seller.shopId, seller.bin]]),
      );
    },
  );
});

describe('payment-service down, config cache warm', () => {
  beforeAll(() => stack.paymentService.down());

  forEachSeller(
    '%s is still paid on its own BIN from the cached config',
    async (seller, task, expect) => {
      const { result } = await pay('payment-service down, warm cache', seller, task, {
        cache: 'warm',
        outage: down,
      });
      expect(result.passed, result.reason).toBe(true);
    },
    concurrent,
  );
});

describe('payment-service down, config cache cleared: the documented fallback', () => {
  const logFile = () => stack.info.bitrix.logFiles.kaspiPaymentServiceLog ?? '';
  beforeAll(async () => {
    await stack.paymentService.down();
    await clearBitrixCache();
  });

  forEachSeller(
    '%s checks out, is diverted to the fallback BIN, and the failure is logged',
    async (seller, task, expect) => {
      const mark = fileMark(logFile());
      const bxLog = stack.info.bitrix.logFiles.bxLog ?? '';
      const bxMark = fileMark(bxLog);
      const { result } = await pay(
        'payment-service down, cold cache',
        seller,
        task,
        { cache: 'cold', outage: down },
        'fallback',
      );
      expect(result.passed, result.reason).toBe(true);
      expect(result.verdict).toBe('diverted');
      expect(result.receivedBin).toBe(fallbackOrganization.bin);
      // What was appended while this order ran; the other sellers' concurrent orders may have
      // added their lines too, so the check is for this shop id as a whole number, not a substring.
      const logged = appendedSince(logFile(), mark);
      if (task.meta.routing) task.meta.routing.phpLog = logged.trim() || '(nothing was logged)';
      const shop = new RegExp(`(?<!\\d)${seller.shopId}(?!\\d)`);
      const inBxLog = shop.test(appendedSince(bxLog, bxMark));
      await because(task.meta, causes.failureNotLogged(inBxLog), () =>
        expect(logged, `a fallback line for shop ${seller.shopId} in ${logFile()}`).toMatch(shop),
      );
    },
    concurrent,
  );
});

describe('payment-service back: routing restored', () => {
  beforeAll(() => stack.paymentService.up());

  forEachSeller(
    '%s is paid on its own BIN again',
    async (seller, task, expect) => {
      const { result } = await pay('payment-service back', seller, task, {
        cache: 'cold',
        afterOutage: true,
      });
      expect(result.passed, result.reason).toBe(true);
    },
    concurrent,
  );
});
