/**
 * [routing] Every way the site creates a Kaspi payment lands on the seller's BIN with the seller's
 * device token: QR, payment link and remote invoice by phone, each called the Phase 3 way (with the
 * seller's shop id) and the way code written before Phase 3 calls the class (no shop id, from a sale
 * payment handler's order context: the class must find the order's seller itself). For each, the
 * order in MySQL, the paymentlog row in PostgreSQL and the Kaspi purchase agree; a remote invoice
 * looks the customer up on the seller's device and is never polled on a timer; and the money
 * reconciles per BIN across all three stores.
 */
import type { RowDataPacket } from 'mysql2/promise';
import { beforeAll, describe, expect, type TaskMeta } from 'vitest';
import type { Seller } from '../fixtures/organizations.ts';
import { because, causes, type Cause } from './support/causes.ts';
import { declaredContract, type DeclaredContract } from './support/contract.ts';
import { forEachSeller } from './support/each-seller.ts';
import { paymentLogRows, storedOrder } from './support/evidence.ts';
import { tracePayment } from './support/routing.ts';
import type { CallShape, PaymentMethod } from '../simulator/bitrix/storefront-client.ts';
import { scenarioFile } from './support/suite.ts';

const { stack, faker, catalogue } = scenarioFile();
/** Orders this file placed, per shop: the reconciliation covers exactly these. */
const ordersOf = new Map<number, number[]>();
let contract: DeclaredContract;
beforeAll(async () => {
  contract = await declaredContract(stack);
});

/** payment-service.md: operation_type create, create-link, status, refund; a remote invoice is a create. */
const operationOf: Record<PaymentMethod, string> = { qr: 'create', link: 'create-link', remote: 'create' };
const methodName: Record<PaymentMethod, string> = {
  qr: 'QR',
  link: 'payment link',
  remote: 'remote invoice',
};

const check = {
  kind: (method: PaymentMethod): Cause => ({
    key: `kaspi-endpoint:${method}`,
    hop: 'Bitrix → Kaspi',
    what: `the site asked for a ${methodName[method]}, and the class created another kind of Kaspi purchase`,
    fix: 'getCreteQr calls qr/create, createLink qr/create-link, createRemotePay remote/create',
  }),
  amount: (): Cause => ({
    key: 'kaspi-amount',
    hop: 'Bitrix → Kaspi',
    what: "the Amount Kaspi received is not the order's price",
    fix: 'pass the Amount the site gives on as it is: tenge, a JSON number',
  }),
  externalId: (): Cause => ({
    key: 'kaspi-external-id',
    hop: 'Bitrix → Kaspi',
    what: "the purchase's ExternalId is not the order's account number the site passed",
    fix: 'pass the ExternalId the site gives on to Kaspi',
  }),
  sentData: (): Cause => ({
    key: 'sent-data',
    hop: 'Kaspi → Bitrix',
    what: 'the OrganizationBin the class reports in `sentData` is not the one Kaspi received: the order records a wrong BIN',
    fix: 'return the body actually sent to Kaspi as `sentData`',
  }),
  paymentlog: (method: PaymentMethod): Cause => causes.paymentlogRow(operationOf[method], methodName[method]),
  clientInfo: (): Cause => ({
    key: 'remote-client-info',
    hop: 'Bitrix → Kaspi',
    what: "the customer was not looked up (remote/client-info) on the seller's own device",
    fix: "call remote/client-info with the phone number and the DeviceToken of the seller's config",
  }),
  polled: (): Cause => ({
    key: 'remote-invoice-polled',
    hop: 'Bitrix → Kaspi',
    what: "the class asked a remote invoice's status by itself; Kaspi forbids polling remote invoices on a timer",
    fix: 'ask a remote invoice\'s status only on a user event (the customer\'s "check payment")',
  }),
};

async function payAndCrossCheck(
  seller: Seller,
  method: PaymentMethod,
  meta: TaskMeta,
  options: { callShape?: CallShape; scenario?: string } = {},
) {
  const { callShape = 'with-shop-id' } = options;
  const scenario =
    options.scenario ??
    `routing: ${methodName[method]}${callShape === 'order-context' ? ', no shop id (order context)' : ''}`;
  const { result, attempt, purchase } = await tracePayment(stack, {
    scenario,
    seller,
    catalogue,
    faker,
    expectation: 'seller',
    method,
    callShape,
    meta,
  });
  expect(result.passed, result.reason).toBe(true);
  if (!attempt.body.ok || !purchase) throw new Error('unreachable: a passed routing result has a purchase');
  const { order, payment } = attempt.body;
  ordersOf.set(seller.shopId, [...(ordersOf.get(seller.shopId) ?? []), order.id]);

  await because(meta, check.kind(method), () =>
    expect(purchase.kind, 'Kaspi purchase kind').toBe(method === 'remote' ? 'remote' : method),
  );
  expect(purchase.tradePointId, "the seller's trade point").toBe(seller.tradePointId);
  await because(meta, check.amount(), () =>
    expect(purchase.amount, 'Kaspi amount = order price').toBe(order.price),
  );
  if (method !== 'remote')
    await because(meta, check.externalId(), () =>
      expect(purchase.externalId, 'Kaspi ExternalId = order account number').toBe(order.accountNumber),
    );
  await because(meta, check.sentData(), () =>
    expect(payment.organizationBin, 'BIN the checkout reports to the customer').toBe(seller.bin),
  );
  if (method === 'link') expect(payment.paymentLink).toMatch(/^https:\/\/pay\.kaspi\.kz\/pay\/\d+$/);
  if (method === 'qr') expect(payment.qrToken).toEqual(expect.any(String));
  if (method === 'remote') await remoteInvoiceChecks(seller, meta, attempt.startedAt, purchase.qrPaymentId);

  const stored = await storedOrder(stack, order.id);
  expect(stored?.payed, 'a fresh order is not paid').toBe('N');
  expect(stored?.price).toBe(order.price);
  expect(stored?.properties.SHOP_ID).toBe(String(seller.shopId));
  expect(stored?.properties.KASPI_PAYMENT_ID).toBe(String(purchase.qrPaymentId));
  expect(stored?.properties.KASPI_ORGANIZATION_BIN).toBe(seller.bin);

  // Without a payment-log route (the deployed contract) no class can write the paymentlog.
  if (!contract.logRoute) return;
  const logs = await paymentLogRows(stack, String(purchase.qrPaymentId));
  await because(meta, check.paymentlog(method), () =>
    expect(
      logs.map((row) => ({
        shop: row.shop_id,
        bin: row.organization_bin,
        op: row.operation_type,
        amount: row.amount,
      })),
      'exactly one paymentlog row, on the seller, in kopecks',
    ).toEqual([
      {
        shop: seller.shopId,
        bin: seller.bin,
        op: operationOf[method],
        amount: Math.round(order.price * 100),
      },
    ]),
  );
}

/** The customer was looked up on the seller's device, and nothing polled the invoice by itself. */
async function remoteInvoiceChecks(seller: Seller, meta: TaskMeta, since: Date, qrPaymentId: number) {
  const journal = await stack.kaspi.journal({ from: since.toISOString() });
  const lookups = journal.filter((entry) => entry.path.endsWith('/remote/client-info'));
  await because(meta, check.clientInfo(), () =>
    expect(
      lookups.map((entry) => entry.deviceToken === seller.deviceToken && entry.statusCode === 0),
      "remote/client-info on the seller's device, answered",
    ).toContain(true),
  );
  // The invoice exists since the checkout; only a user event may ask its status.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const polls = (await stack.kaspi.journal({ from: since.toISOString() })).filter((entry) =>
    entry.path.endsWith(`/payment/status/${qrPaymentId}`),
  );
  await because(meta, check.polled(), () =>
    expect(polls.length, 'status requests for the invoice before any user event').toBe(0),
  );
}

describe('[routing] checkouts land on the seller', () => {
  for (const method of ['qr', 'link', 'remote'] as const) {
    forEachSeller(
      `%s: a ${methodName[method]} lands on its BIN and token; order, paymentlog and Kaspi agree`,
      (seller, task) => payAndCrossCheck(seller, method, task.meta),
    );
  }
});

describe('[routing] code written before Phase 3: no shop id, from an order context', () => {
  for (const method of ['qr', 'link', 'remote'] as const) {
    forEachSeller(
      `%s: a ${methodName[method]} from a sale payment handler lands on the order's seller`,
      (seller, task) => payAndCrossCheck(seller, method, task.meta, { callShape: 'order-context' }),
    );
  }
});

describe('[routing] amounts reconcile per BIN', () => {
  forEachSeller(
    '%s: sum at Kaspi == sum of its orders in MySQL == sum of paymentlog amounts / 100',
    async (seller, task) => {
      // One more payment of its own, so this test proves something even when run alone.
      await payAndCrossCheck(seller, faker.helpers.arrayElement(['qr', 'link'] as const), task.meta, {
        scenario: 'routing: reconcile per BIN',
      });
      const orderIds = ordersOf.get(seller.shopId) ?? [];

      const purchases = await stack.kaspi.purchases({ bin: seller.bin });
      const kaspiSum = purchases.reduce((sum, p) => sum + p.amount, 0);
      expect(
        purchases.every((p) => p.deviceToken === seller.deviceToken),
        "every purchase on the seller's device",
      ).toBe(true);
      expect(purchases.map((p) => p.qrPaymentId)).toHaveLength(orderIds.length);

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
      expect(kaspiSum).toBeCloseTo(mysqlSum, 2);

      if (contract.logRoute) {
        const logs = await stack.paymentService.logs({ shop_id: seller.shopId });
        const logged = logs.filter((row) => row.organization_bin === seller.bin);
        expect(logged, 'no paymentlog row of this shop on another BIN').toHaveLength(logs.length);
        const logSum = logged.reduce((sum, row) => sum + (row.amount ?? 0), 0) / 100;
        expect(logSum).toBeCloseTo(mysqlSum, 2);
      }
      const ledger = (await stack.kaspi.ledger()).find((row) => row.organizationBin === seller.bin);
      expect(ledger?.purchases, 'Kaspi ledger purchase count').toBe(orderIds.length);
      expect(ledger?.pendingAmount ?? 0, 'Kaspi ledger: all of it pending, nothing paid yet').toBeCloseTo(
        mysqlSum,
        2,
      );
    },
  );
});
