/**
 * [lifecycle] The guide's Phase 4: the storefront polls Kaspi for the purchase and the order follows
 * it. Scan → Wait → Processed marks the order paid (and the money is on the seller's BIN); a scan
 * error, a confirmation error, a QR nobody scanned in time and a scan never confirmed in time (both
 * on the Kaspi simulator's clock) each leave the order unpaid and final with the right status.
 */
import { afterEach, describe, expect, type TestContext } from 'vitest';
import type { Seller } from '../fixtures/organizations.ts';
import type { Purchase } from '../simulator/kaspi/index.ts';
import { forEachSeller } from './support/each-seller.ts';
import { storedOrder } from './support/evidence.ts';
import { tracePayment } from './support/routing.ts';
import { type PaymentMethod } from './support/storefront.ts';
import { kaspiClock, kaspiTestEmulator, pollOrderStatus, scenarioFile } from './support/suite.ts';

const { stack, faker, catalogue } = scenarioFile();

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
  const pending = await pollOrderStatus(stack, attempt.body.order.id);
  expect(pending, 'a fresh order is pending').toMatchObject({
    payed: 'N',
    display: 'Pending',
    final: false,
    kaspiStatus: 'QrTokenCreated',
  });
  return { orderId: attempt.body.order.id, purchase };
}

async function expectUnpaidFinal(orderId: number, qrPaymentId: number, reason: Purchase['errorReason']) {
  const status = await pollOrderStatus(stack, orderId);
  expect(status.payed, 'order not paid').toBe('N');
  expect(status.final, 'the order reached a final status').toBe(true);
  expect(status.kaspiStatus).toBe('Error');
  expect(['Failed', 'Expired'], `display ${status.display}`).toContain(status.display);
  expect((await storedOrder(stack, orderId))?.payed, 'MySQL PAYED').toBe('N');
  const purchase = await stack.kaspi.purchase(qrPaymentId);
  expect(purchase?.status).toBe('Error');
  expect(purchase?.errorReason).toBe(reason);
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
      const paid = await pollOrderStatus(stack, orderId);
      expect(paid).toMatchObject({
        payed: 'Y',
        statusId: 'P',
        display: 'Paid',
        kaspiStatus: 'Processed',
        final: true,
      });
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
      const paid = await pollOrderStatus(stack, orderId);
      expect(paid).toMatchObject({ payed: 'Y', display: 'Paid', final: true });
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
    const status = await expectUnpaidFinal(orderId, purchase.qrPaymentId, 'scanError');
    expect(status.display).toBe('Failed');
  });

  forEachSeller('%s: confirm error after the scan → order failed, not paid', async (seller, task) => {
    const { orderId, purchase } = await placeOrder(seller, task, 'lifecycle: confirm error');
    expect((await kaspiTestEmulator(stack, 'scan', purchase.qrPaymentId)).StatusCode).toBe(0);
    expect((await pollOrderStatus(stack, orderId)).kaspiStatus).toBe('Wait');
    expect((await kaspiTestEmulator(stack, 'confirmerror', purchase.qrPaymentId)).StatusCode).toBe(0);
    const status = await expectUnpaidFinal(orderId, purchase.qrPaymentId, 'confirmError');
    expect(status.display).toBe('Failed');
  });

  forEachSeller(
    '%s: QR never scanned, Kaspi clock moved past QrCodeScanWaitTimeout (180 s) → not paid, final',
    async (seller, task) => {
      const { orderId, purchase } = await placeOrder(seller, task, 'lifecycle: QR expired');
      await kaspiClock(stack, { advanceSeconds: 181 });
      await expectUnpaidFinal(orderId, purchase.qrPaymentId, 'scanTimeout');
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
      await expectUnpaidFinal(orderId, purchase.qrPaymentId, 'confirmationTimeout');
      expect((await kaspiTestEmulator(stack, 'confirm', purchase.qrPaymentId)).StatusCode).not.toBe(0);
      expect((await pollOrderStatus(stack, orderId)).payed).toBe('N');
    },
  );
});
