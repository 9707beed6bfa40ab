/**
 * [routing] Every seller's QR and payment-link checkouts land on the seller's BIN with the seller's
 * device token; the order in MySQL, the paymentlog row in PostgreSQL and the Kaspi purchase agree;
 * and the money reconciles per BIN across all three stores.
 */
import type { RowDataPacket } from 'mysql2/promise';
import { describe, expect, type TaskMeta } from 'vitest';
import type { Seller } from '../fixtures/organizations.ts';
import { forEachSeller } from './support/each-seller.ts';
import { paymentLogRows, storedOrder } from './support/evidence.ts';
import { tracePayment } from './support/routing.ts';
import { type PaymentMethod } from './support/storefront.ts';
import { scenarioFile } from './support/suite.ts';

const { stack, faker, catalogue } = scenarioFile();
/** Orders this file placed, per shop: the reconciliation covers exactly these. */
const ordersOf = new Map<number, number[]>();

const operationOf: Record<PaymentMethod, string> = { qr: 'create', link: 'create-link' };

async function payAndCrossCheck(
  seller: Seller,
  method: PaymentMethod,
  meta: TaskMeta,
  scenario = `routing: ${method === 'qr' ? 'QR' : 'payment link'}`,
) {
  const { result, attempt, purchase } = await tracePayment(stack, {
    scenario,
    seller,
    catalogue,
    faker,
    expectation: 'seller',
    method,
    meta,
  });
  expect(result.passed, result.reason).toBe(true);
  if (!attempt.body.ok || !purchase) throw new Error('unreachable: a passed routing result has a purchase');
  const { order, payment } = attempt.body;
  ordersOf.set(seller.shopId, [...(ordersOf.get(seller.shopId) ?? []), order.id]);

  expect(purchase.kind, 'Kaspi purchase kind').toBe(method);
  expect(purchase.tradePointId, "the seller's trade point").toBe(seller.tradePointId);
  expect(purchase.amount, 'Kaspi amount = order price').toBe(order.price);
  expect(purchase.externalId, 'Kaspi ExternalId = order account number').toBe(order.accountNumber);
  expect(payment.organizationBin, 'BIN the checkout reports to the customer').toBe(seller.bin);
  if (method === 'link') expect(payment.paymentLink).toMatch(/^https:\/\/pay\.kaspi\.kz\/pay\/\d+$/);
  else expect(payment.qrToken).toEqual(expect.any(String));

  const stored = await storedOrder(stack, order.id);
  expect(stored?.payed, 'a fresh order is not paid').toBe('N');
  expect(stored?.price).toBe(order.price);
  expect(stored?.properties.SHOP_ID).toBe(String(seller.shopId));
  expect(stored?.properties.KASPI_PAYMENT_ID).toBe(String(purchase.qrPaymentId));
  expect(stored?.properties.KASPI_ORGANIZATION_BIN).toBe(seller.bin);

  const logs = await paymentLogRows(stack, String(purchase.qrPaymentId));
  expect(
    logs.map((row) => ({
      shop: row.shop_id,
      bin: row.organization_bin,
      op: row.operation_type,
      amount: row.amount,
    })),
    'exactly one paymentlog row, on the seller, in kopecks',
  ).toEqual([
    { shop: seller.shopId, bin: seller.bin, op: operationOf[method], amount: Math.round(order.price * 100) },
  ]);
}

describe('[routing] checkouts land on the seller', () => {
  forEachSeller(
    '%s: a QR checkout lands on its BIN and token; order, paymentlog and Kaspi agree',
    (seller, task) => payAndCrossCheck(seller, 'qr', task.meta),
  );

  forEachSeller(
    '%s: a payment-link checkout lands on its BIN and token; order, paymentlog and Kaspi agree',
    (seller, task) => payAndCrossCheck(seller, 'link', task.meta),
  );
});

describe('[routing] amounts reconcile per BIN', () => {
  forEachSeller(
    '%s: sum at Kaspi == sum of its orders in MySQL == sum of paymentlog amounts / 100',
    async (seller, task) => {
      // One more payment of its own, so this test proves something even when run alone.
      await payAndCrossCheck(
        seller,
        faker.helpers.arrayElement(['qr', 'link'] as const),
        task.meta,
        'routing: reconcile per BIN',
      );
      const orderIds = ordersOf.get(seller.shopId) ?? [];

      const purchases = await stack.kaspi.purchases({ bin: seller.bin });
      const kaspiSum = purchases.reduce((sum, p) => sum + p.amount, 0);
      expect(
        purchases.every((p) => p.deviceToken === seller.deviceToken),
        "every purchase on the seller's device",
      ).toBe(true);
      expect(purchases.map((p) => p.externalId).sort()).toHaveLength(orderIds.length);

      const [rows] = await stack.mysql.query<RowDataPacket[]>(
        `SELECT o.ID, o.PRICE FROM b_sale_order o
           JOIN b_sale_order_props_value p ON p.ORDER_ID = o.ID AND p.CODE = 'KASPI_ORGANIZATION_BIN'
          WHERE p.VALUE = ? AND o.ID IN (?)`,
        [seller.bin, orderIds],
      );
      const mysqlSum = rows.reduce((sum, row) => sum + Number(row.PRICE), 0);
      expect(
        rows.map((row) => Number(row.ID)).sort(),
        'MySQL orders on this BIN are the orders placed',
      ).toEqual([...orderIds].sort());

      const logs = await stack.paymentService.logs({ shop_id: seller.shopId });
      const logged = logs.filter((row) => row.organization_bin === seller.bin);
      expect(logged, 'no paymentlog row of this shop on another BIN').toHaveLength(logs.length);
      const logSum = logged.reduce((sum, row) => sum + (row.amount ?? 0), 0) / 100;

      expect(kaspiSum).toBeCloseTo(mysqlSum, 2);
      expect(logSum).toBeCloseTo(mysqlSum, 2);
      const ledger = (await stack.kaspi.ledger()).find((row) => row.organizationBin === seller.bin);
      expect(ledger?.purchases, 'Kaspi ledger purchase count').toBe(orderIds.length);
      expect(ledger?.pendingAmount ?? 0, 'Kaspi ledger: all of it pending, nothing paid yet').toBeCloseTo(
        mysqlSum,
        2,
      );
    },
  );
});
