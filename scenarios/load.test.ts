/**
 * [load] All seven sellers at once: 30 checkouts each (210), at most 16 in flight, starting from a
 * cold config cache, over loopback. No payment crosses to another seller, the config cache holds
 * (a handful of config lookups, not one per checkout), and nothing is lost: every order has exactly
 * one Kaspi purchase and one paymentlog row, and every purchase belongs to an order.
 */
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seededFaker } from '../fixtures/customers.ts';
import { sellers, type Seller } from '../fixtures/organizations.ts';
import { because, causes } from './support/causes.ts';
import { forEachSeller } from './support/each-seller.ts';
import { connectToStack } from './support/stack-context.ts';
import { basketFor, fetchCatalogue, type CheckoutAttempt } from '../simulator/bitrix/storefront-client.ts';
import {
  boundedAll,
  customerCheckout,
  judgeAttempt,
  recordFinding,
  resetStack,
  runSeed,
} from './support/suite.ts';

const perSeller = 30;
const concurrency = 16;
/** Cold start with 16 in flight: a few lookups per shop may race before the first is cached. */
const maxConfigLookupsPerShop = 4;

const stack = connectToStack();
const faker = seededFaker(runSeed());
let runs: { seller: Seller; attempt: CheckoutAttempt }[] = [];
let wallMs = 0;

beforeAll(async () => {
  await resetStack(stack);
  const catalogue = await fetchCatalogue(stack.info.bitrix.url);
  // Interleaved, so every moment has several sellers in flight.
  const plan = Array.from({ length: perSeller }, () => sellers).flat();
  const baskets = plan.map((seller) => basketFor(seller, catalogue, faker));
  const started = performance.now();
  const attempts = await boundedAll(plan, concurrency, (_seller, index) =>
    customerCheckout(stack, faker, { items: baskets[index] ?? [] }),
  );
  wallMs = Math.round(performance.now() - started);
  runs = plan.map((seller, index) => ({ seller, attempt: attempts[index] as CheckoutAttempt }));
}, 120_000);

afterAll(() => stack.close());

describe(`[load] ${sellers.length * perSeller} concurrent checkouts`, () => {
  forEachSeller(`%s: all ${perSeller} checkouts paid on its own BIN and token`, async (seller, task) => {
    const mine = runs.filter((run) => run.seller === seller);
    expect(mine).toHaveLength(perSeller);
    const failures: string[] = [];
    for (const { attempt } of mine) {
      // The last judged (or the first wrong) payment is what the routing matrix shows for this seller.
      const { result } = await judgeAttempt(stack, {
        scenario: `load: ${sellers.length * perSeller} concurrent`,
        seller,
        attempt,
        expectation: 'seller',
        meta: task.meta,
      });
      if (!result.passed) {
        failures.push(result.reason);
        break;
      }
    }
    expect(failures, 'payments that did not land on the seller').toEqual([]);
    const elsewhere = (await stack.kaspi.purchases({ deviceToken: seller.deviceToken })).filter(
      (purchase) => purchase.organizationBin !== seller.bin,
    );
    expect(elsewhere).toEqual([]);
  });

  test('the config cache holds: a few lookups per shop, not one per checkout', async ({ task }) => {
    const lookups = (await stack.paymentService.requests()).filter(
      (entry) => entry.method === 'GET' && entry.path.includes('/payment/config'),
    );
    const perShop = Object.fromEntries(
      sellers.map((seller) => [
        String(seller.shopId),
        lookups.filter((entry) => entry.path.includes(`shop_id=${seller.shopId}`)).length,
      ]),
    );
    recordFinding(task.meta, {
      suite: 'load',
      key: 'cache:config-lookups',
      severity: 'info',
      message: `${lookups.length} config lookups for ${runs.length} checkouts (${concurrency} in flight, cold start) in ${wallMs} ms.`,
      evidence: { ...perShop, total: lookups.length, checkouts: runs.length, wallMs },
    });
    for (const seller of sellers) {
      expect(perShop[String(seller.shopId)], `lookups for ${seller.name}`).toBeGreaterThanOrEqual(1);
      await because(task.meta, causes.lookupsNotCached(), () =>
        expect(perShop[String(seller.shopId)], `lookups for ${seller.name}`).toBeLessThanOrEqual(
          maxConfigLookupsPerShop,
        ),
      );
    }
  });

  test('nothing lost: each order has exactly one Kaspi purchase and one paymentlog row', async ({ task }) => {
    const ok = runs.flatMap(({ attempt }) => (attempt.body.ok ? [attempt.body] : []));
    expect(ok.length, 'checkouts answered 200').toBe(runs.length);

    const purchases = await stack.kaspi.purchases();
    const byExternalId = new Map<string, number>();
    for (const purchase of purchases)
      byExternalId.set(purchase.externalId ?? '', (byExternalId.get(purchase.externalId ?? '') ?? 0) + 1);
    expect(purchases.length, 'Kaspi purchases = checkouts').toBe(runs.length);
    for (const body of ok)
      expect(
        byExternalId.get(body.order.accountNumber),
        `purchases of order ${body.order.accountNumber}`,
      ).toBe(1);

    const logs = await stack.paymentService.logs();
    const logCount = new Map<string, number>();
    for (const row of logs)
      logCount.set(row.external_id ?? '', (logCount.get(row.external_id ?? '') ?? 0) + 1);
    await because(task.meta, causes.paymentlogRow('create', 'QR payment'), () => {
      for (const body of ok)
        expect(
          logCount.get(String(body.payment.qrPaymentId)),
          `paymentlog rows of ${body.payment.qrPaymentId}`,
        ).toBe(1);
    });

    const ids = ok.map((body) => body.order.id);
    const [rows] = await stack.mysql.query<RowDataPacket[]>(
      `SELECT o.ID, p.VALUE AS PAYMENT FROM b_sale_order o
         LEFT JOIN b_sale_order_props_value p ON p.ORDER_ID = o.ID AND p.CODE = 'KASPI_PAYMENT_ID'
        WHERE o.ID IN (?)`,
      [ids],
    );
    expect(rows.length, 'orders in MySQL').toBe(ids.length);
    const stored = new Map(rows.map((row) => [Number(row.ID), String(row.PAYMENT ?? '')]));
    for (const body of ok)
      expect(stored.get(body.order.id), `order ${body.order.id} refers to its purchase`).toBe(
        String(body.payment.qrPaymentId),
      );
    expect(new Set(stored.values()).size, 'no purchase shared by two orders').toBe(ids.length);
  });
});
