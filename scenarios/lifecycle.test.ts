/**
 * [lifecycle] The guide's Phase 4: the storefront polls Kaspi for the purchase through
 * `ApiClient::status()` and the order follows it. Scan → Wait → Processed marks the order paid (and
 * the money is on the seller's BIN); a scan error, a confirmation error, a QR nobody scanned in time
 * and a scan never confirmed in time (both on the Kaspi simulator's clock) each leave the order
 * unpaid and final with the right status. Every final status is reported to the payment-service
 * (`updatePaymentStatus`), so the paymentlog follows the payment to Processed or Error on the seller's
 * BIN. A remote invoice's status is asked only when the customer does: Kaspi forbids timer polling.
 */
import { afterEach, beforeAll, describe, expect, type TaskMeta, type TestContext } from 'vitest';
import type { Seller } from '../fixtures/organizations.ts';
import type { Purchase } from '../simulator/kaspi/index.ts';
import { because, NotImplemented, type Cause } from './support/causes.ts';
import { declaredContract } from './support/contract.ts';
import { forEachSeller } from './support/each-seller.ts';
import { paymentLogRows, storedOrder } from './support/evidence.ts';
import { tracePayment } from './support/routing.ts';
import { type PaymentMethod } from '../simulator/bitrix/storefront-client.ts';
import {
  kaspiClock,
  kaspiTestEmulator,
  pollOrderStatus,
  scenarioFile,
  type OrderStatus,
} from './support/suite.ts';
import { traceStep } from './support/trace.ts';

const { stack, faker, catalogue } = scenarioFile();
let logRoute: string | undefined;
beforeAll(async () => {
  logRoute = (await declaredContract(stack)).logRoute;
});

const statusNotReported = (status: string): Cause => ({
  key: `status-not-reported:${status}`,
  hop: 'Bitrix → paymentlog',
  what: `a payment that ended ${status} at Kaspi does not end ${status} in the paymentlog, on the seller's shop and BIN`,
  fix: "updatePaymentStatus($shopId, $externalId, $status, $error) must write the status on the seller's BIN (POST {base}/payment/log, operation_type status)",
});

/** The order page's status check, traced as a step of the payment. */
async function checkStatus(seller: Seller, orderId: number, meta: TaskMeta): Promise<OrderStatus> {
  const startedAt = new Date();
  const started = performance.now();
  const status = await pollOrderStatus(stack, orderId);
  await traceStep(
    stack,
    meta,
    {
      request: `GET /local/api/order-status.php?id=${orderId}`,
      answer: `${status.display} (Kaspi ${status.kaspiStatus})`,
      startedAt,
      ms: Math.round(performance.now() - started),
    },
    [seller.bin],
  );
  return status;
}

/**
 * The payment's last paymentlog row says how it ended, on the seller: the site reported the final
 * status through updatePaymentStatus. Not applicable without a payment-log route (deployed contract).
 */
async function expectReported(
  seller: Seller,
  orderId: number,
  qrPaymentId: number,
  status: string,
  meta: TaskMeta,
) {
  if (!logRoute) return;
  const report = (await storedOrder(stack, orderId))?.properties.PAYMENT_SERVICE_REPORT ?? '';
  if (report.startsWith('not_implemented')) throw new NotImplemented(report);
  const rows = await paymentLogRows(stack, String(qrPaymentId));
  const last = rows.filter((row) => row.status !== null).at(-1);
  await because(meta, statusNotReported(status), () =>
    expect(
      last && { shop: last.shop_id, bin: last.organization_bin, status: last.status },
      `the paymentlog's last word on payment ${qrPaymentId} (the site's report: ${report || 'none'})`,
    ).toEqual({ shop: seller.shopId, bin: seller.bin, status }),
  );
}

// Tests move the Kaspi clock and purchases: back to real time and an empty purchase book.
afterEach(() => stack.kaspi.reset());

async function placeOrder(
  seller: Seller,
  task: TestContext['task'],
  scenario: string,
  method: PaymentMethod = 'qr',
): Promise<{ orderId: number; purchase: Purchase }> {
  const { result, attempt, purchase } = await tracePayment(stack, {
    scenario,
    seller,
    catalogue,
    faker,
    expectation: 'seller',
    method,
    meta: task.meta,
  });
  expect(result.passed, result.reason).toBe(true);
  if (!attempt.body.ok || !purchase)
    throw new Error('unreachable: a passed result has an order and a purchase');
  const pending = await checkStatus(seller, attempt.body.order.id, task.meta);
  expect(pending, 'a fresh order is pending').toMatchObject({
    payed: 'N',
    display: 'Pending',
    final: false,
    kaspiStatus: 'QrTokenCreated',
  });
  return { orderId: attempt.body.order.id, purchase };
}

async function expectUnpaidFinal(
  seller: Seller,
  meta: TaskMeta,
  orderId: number,
  qrPaymentId: number,
  reason: Purchase['errorReason'],
) {
  const status = await checkStatus(seller, orderId, meta);
  expect(status.payed, 'order not paid').toBe('N');
  expect(status.final, 'the order reached a final status').toBe(true);
  expect(status.kaspiStatus).toBe('Error');
  expect(['Failed', 'Expired'], `display ${status.display}`).toContain(status.display);
  expect((await storedOrder(stack, orderId))?.payed, 'MySQL PAYED').toBe('N');
  const purchase = await stack.kaspi.purchase(qrPaymentId);
  expect(purchase?.status).toBe('Error');
  expect(purchase?.errorReason).toBe(reason);
  await expectReported(seller, orderId, qrPaymentId, 'Error', meta);
  return status;
}

describe('[lifecycle] paid', () => {
  forEachSeller(
    '%s: QR scan → Wait → Processed (Kaspi /test/payment emulators) marks the order paid on its BIN',
    async (seller, task) => {
      const { orderId, purchase } = await placeOrder(seller, task, 'lifecycle: QR paid');
      const ledgerBefore = (await stack.kaspi.ledger()).find((row) => row.organizationBin === seller.bin);

      expect((await kaspiTestEmulator(stack, 'scan', purchase.qrPaymentId)).StatusCode).toBe(0);
      const waiting = await pollOrderStatus(stack, orderId);
      expect(waiting).toMatchObject({ payed: 'N', display: 'Pending', kaspiStatus: 'Wait', final: false });
      expect(waiting.pollingInterval, 'the interval Kaspi asked for (StatusPollingInterval)').toBe(5);

      expect((await kaspiTestEmulator(stack, 'confirm', purchase.qrPaymentId)).StatusCode).toBe(0);
      const paid = await checkStatus(seller, orderId, task.meta);
      expect(paid).toMatchObject({
        payed: 'Y',
        statusId: 'P',
        display: 'Paid',
        kaspiStatus: 'Processed',
        final: true,
      });
      await expectReported(seller, orderId, purchase.qrPaymentId, 'Processed', task.meta);
      const stored = await storedOrder(stack, orderId);
      expect(stored?.payed).toBe('Y');
      expect(stored?.properties.KASPI_ORGANIZATION_BIN).toBe(seller.bin);

      const ledger = (await stack.kaspi.ledger()).find((row) => row.organizationBin === seller.bin);
      expect(ledger?.processedAmount, "the amount is credited to the seller's BIN").toBeCloseTo(
        (ledgerBefore?.processedAmount ?? 0) + purchase.amount,
        2,
      );
      expect(ledger?.balance).toBeCloseTo(ledger?.processedAmount ?? NaN, 2);
    },
  );

  forEachSeller(
    '%s: payment link opened and confirmed (control emulator) marks the order paid',
    async (seller, task) => {
      const { orderId, purchase } = await placeOrder(seller, task, 'lifecycle: link paid', 'link');
      await stack.kaspi.emulate(purchase.qrPaymentId, 'scan');
      await stack.kaspi.emulate(purchase.qrPaymentId, 'confirm');
      const paid = await checkStatus(seller, orderId, task.meta);
      expect(paid).toMatchObject({ payed: 'Y', display: 'Paid', final: true });
      await expectReported(seller, orderId, purchase.qrPaymentId, 'Processed', task.meta);
      // A final order is answered from MySQL: polling again does not ask Kaspi again.
      const before = (await stack.kaspi.journal({ path: `payment/status/${purchase.qrPaymentId}` })).length;
      expect((await pollOrderStatus(stack, orderId)).payed).toBe('Y');
      expect((await stack.kaspi.journal({ path: `payment/status/${purchase.qrPaymentId}` })).length).toBe(
        before,
      );
    },
  );
});

describe('[lifecycle] not paid', () => {
  forEachSeller('%s: scan error → order failed, not paid', async (seller, task) => {
    const { orderId, purchase } = await placeOrder(seller, task, 'lifecycle: scan error');
    expect((await kaspiTestEmulator(stack, 'scanerror', purchase.qrPaymentId)).StatusCode).toBe(0);
    const status = await expectUnpaidFinal(seller, task.meta, orderId, purchase.qrPaymentId, 'scanError');
    expect(status.display).toBe('Failed');
  });

  forEachSeller('%s: confirm error after the scan → order failed, not paid', async (seller, task) => {
    const { orderId, purchase } = await placeOrder(seller, task, 'lifecycle: confirm error');
    expect((await kaspiTestEmulator(stack, 'scan', purchase.qrPaymentId)).StatusCode).toBe(0);
    expect((await pollOrderStatus(stack, orderId)).kaspiStatus).toBe('Wait');
    expect((await kaspiTestEmulator(stack, 'confirmerror', purchase.qrPaymentId)).StatusCode).toBe(0);
    const status = await expectUnpaidFinal(seller, task.meta, orderId, purchase.qrPaymentId, 'confirmError');
    expect(status.display).toBe('Failed');
  });

  forEachSeller(
    '%s: QR never scanned, Kaspi clock moved past QrCodeScanWaitTimeout (180 s) → not paid, final',
    async (seller, task) => {
      const { orderId, purchase } = await placeOrder(seller, task, 'lifecycle: QR expired');
      await kaspiClock(stack, { advanceSeconds: 181 });
      await expectUnpaidFinal(seller, task.meta, orderId, purchase.qrPaymentId, 'scanTimeout');
      // The dead token cannot be scanned any more.
      expect((await kaspiTestEmulator(stack, 'scan', purchase.qrPaymentId)).StatusCode).not.toBe(0);
      expect((await pollOrderStatus(stack, orderId)).payed).toBe('N');
    },
  );

  forEachSeller(
    '%s: scanned but not confirmed, Kaspi clock moved past PaymentConfirmationTimeout (65 s) → not paid, final',
    async (seller, task) => {
      const { orderId, purchase } = await placeOrder(seller, task, 'lifecycle: confirmation timeout');
      expect((await kaspiTestEmulator(stack, 'scan', purchase.qrPaymentId)).StatusCode).toBe(0);
      expect((await pollOrderStatus(stack, orderId)).kaspiStatus).toBe('Wait');
      await kaspiClock(stack, { advanceSeconds: 66 });
      await expectUnpaidFinal(seller, task.meta, orderId, purchase.qrPaymentId, 'confirmationTimeout');
      expect((await kaspiTestEmulator(stack, 'confirm', purchase.qrPaymentId)).StatusCode).not.toBe(0);
      expect((await pollOrderStatus(stack, orderId)).payed).toBe('N');
    },
  );
});

const polledOnItsOwn: Cause = {
  key: 'remote-invoice-polled',
  hop: 'Bitrix → Kaspi',
  what: "a remote invoice's status was asked without a user event; Kaspi forbids polling remote invoices on a timer",
  fix: 'ask a remote invoice\'s status only when the customer asks ("check payment")',
};

describe('[lifecycle] remote invoice: status on a user event only', () => {
  forEachSeller(
    '%s: invoice paid in the Kaspi app; the customer checks once → order paid, reported, nothing polled',
    async (seller, task) => {
      const { orderId, purchase } = await placeOrder(
        seller,
        task,
        'lifecycle: remote invoice paid',
        'remote',
      );
      expect(purchase.phoneNumber, 'invoiced to the customer').toMatch(/^7\d{9}$/);
      await stack.kaspi.emulate(purchase.qrPaymentId, 'scan');
      await stack.kaspi.emulate(purchase.qrPaymentId, 'confirm');
      const asked = () => stack.kaspi.journal({ path: `payment/status/${purchase.qrPaymentId}` });
      const before = (await asked()).length;
      const paid = await checkStatus(seller, orderId, task.meta);
      expect(paid).toMatchObject({ payed: 'Y', display: 'Paid', kaspiStatus: 'Processed', final: true });
      await because(task.meta, polledOnItsOwn, async () =>
        expect((await asked()).length - before, 'status requests for the one user event').toBe(1),
      );
      await expectReported(seller, orderId, purchase.qrPaymentId, 'Processed', task.meta);
    },
  );
});
