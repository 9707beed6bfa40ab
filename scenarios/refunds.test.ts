/**
 * [refunds] A purchase routed by the Bitrix checkout is paid, then refunded — fully or in part — on
 * the same BIN and trade point as the purchase; refunds beyond the purchase, beyond what is left,
 * of an unpaid purchase, or from another organization's device each get Kaspi's own StatusCode.
 *
 * Most refunds here are the r3 `payment/return` exactly as `ApiClient::paymentReturn` sends it (the
 * seller's DeviceToken and OrganizationBin from its config), made directly against the Kaspi
 * simulator; "through Bitrix" refunds go through the stub's `POST /local/api/refund.php`, which calls
 * `ApiClient::paymentReturn` with the order's SHOP_ID. The purchase itself goes through the Bitrix checkout.
 */
import { describe, expect, type TaskMeta } from 'vitest';
import { fallbackOrganization, sellers, type Organization, type Seller } from '../fixtures/organizations.ts';
import type { Purchase } from '../simulator/kaspi/index.ts';
import { because, diagnoseKaspiStep, NotImplemented, recordCause, type Cause } from './support/causes.ts';
import { declaredContract } from './support/contract.ts';
import { paymentLogRows } from './support/evidence.ts';
import { traceStep } from './support/trace.ts';
import { forEachSeller } from './support/each-seller.ts';
import { tracePayment } from './support/routing.ts';
import { kaspiR3, type KaspiAnswer, scenarioFile } from './support/suite.ts';

const { stack, faker, catalogue } = scenarioFile();

/** A Bitrix checkout on the seller's BIN; paid at Kaspi unless `paid` is false. */
async function purchaseFor(seller: Seller, meta: TaskMeta, scenario: string, paid = true): Promise<Purchase> {
  const { result, purchase } = await tracePayment(stack, {
    scenario,
    seller,
    catalogue,
    faker,
    expectation: 'seller',
    meta,
  });
  expect(result.passed, result.reason).toBe(true);
  if (!purchase) throw new Error('unreachable: a passed result has a purchase');
  if (!paid) return purchase;
  await stack.kaspi.emulate(purchase.qrPaymentId, 'scan');
  return stack.kaspi.emulate(purchase.qrPaymentId, 'confirm');
}

/** `payment/return` as ApiClient::paymentReturn sends it, from the given organization's device. */
const refund = (device: Organization, qrPaymentId: number, amount: number) =>
  kaspiR3<{ ReturnOperationId: number }>(stack, 'POST', 'payment/return', {
    DeviceToken: device.deviceToken,
    OrganizationBin: device.bin,
    QrPaymentId: qrPaymentId,
    Amount: amount,
  });

const ok = (answer: KaspiAnswer<{ ReturnOperationId: number }>) => {
  expect(answer.StatusCode, `Kaspi answered ${answer.StatusCode} ${answer.Message ?? ''}`).toBe(0);
  expect(answer.Data?.ReturnOperationId).toEqual(expect.any(Number));
};

const balanceOf = async (bin: string) =>
  (await stack.kaspi.ledger()).find((row) => row.organizationBin === bin)?.balance ?? 0;

describe('[refunds] the money goes back from where it came', () => {
  forEachSeller('%s: a full refund is made on its BIN and trade point', async (seller, task) => {
    const purchase = await purchaseFor(seller, task.meta, 'refunds: full');
    const balance = await balanceOf(seller.bin);
    ok(await refund(seller, purchase.qrPaymentId, purchase.amount));

    const refunds = await stack.kaspi.refunds({ qrPaymentId: purchase.qrPaymentId });
    expect(refunds.map((r) => [r.organizationBin, r.deviceToken, r.amount])).toEqual([
      [seller.bin, seller.deviceToken, purchase.amount],
    ]);
    const after = await stack.kaspi.purchase(purchase.qrPaymentId);
    expect(after?.refundedAmount).toBeCloseTo(purchase.amount, 2);
    expect(after?.tradePointId, "the purchase's own trade point").toBe(seller.tradePointId);
    expect(await balanceOf(seller.bin), "debited from the seller's balance").toBeCloseTo(
      balance - purchase.amount,
      2,
    );
  });

  forEachSeller(
    '%s: a partial refund, then the rest; a second refund beyond what is left is refused',
    async (seller, task) => {
      const purchase = await purchaseFor(seller, task.meta, 'refunds: partial');
      const part = Math.round(purchase.amount * 40) / 100;
      const rest = Math.round((purchase.amount - part) * 100) / 100;
      ok(await refund(seller, purchase.qrPaymentId, part));
      expect((await refund(seller, purchase.qrPaymentId, rest + 1)).StatusCode, 'beyond what is left').toBe(
        -99000005,
      );
      ok(await refund(seller, purchase.qrPaymentId, rest));
      const refunds = await stack.kaspi.refunds({ qrPaymentId: purchase.qrPaymentId });
      expect(refunds.map((r) => r.organizationBin)).toEqual([seller.bin, seller.bin]);
      expect(refunds.reduce((sum, r) => sum + r.amount, 0)).toBeCloseTo(purchase.amount, 2);
    },
  );
});

describe('[refunds] refused with Kaspi’s code', () => {
  forEachSeller('%s: more than the purchase → -99000005', async (seller, task) => {
    const purchase = await purchaseFor(seller, task.meta, 'refunds: over-refund');
    const answer = await refund(seller, purchase.qrPaymentId, purchase.amount + 1);
    expect(answer.StatusCode).toBe(-99000005);
    expect(await stack.kaspi.refunds({ qrPaymentId: purchase.qrPaymentId })).toEqual([]);
  });

  forEachSeller('%s: an unpaid purchase → -99000011 (wrong status)', async (seller, task) => {
    const purchase = await purchaseFor(seller, task.meta, 'refunds: unpaid', false);
    expect((await refund(seller, purchase.qrPaymentId, purchase.amount)).StatusCode).toBe(-99000011);
    expect(await stack.kaspi.refunds({ qrPaymentId: purchase.qrPaymentId })).toEqual([]);
  });

  forEachSeller(
    '%s: from the marketplace fallback device (what a cold-cache outage would send) → refused, nothing refunded',
    async (seller, task) => {
      const purchase = await purchaseFor(seller, task.meta, 'refunds: from the fallback device');
      const answer = await refund(fallbackOrganization, purchase.qrPaymentId, purchase.amount);
      expect(answer.StatusCode, `Kaspi answered ${answer.StatusCode}`).not.toBe(0);
      expect(answer.StatusCode, "purchase's trade point does not match the device").toBe(-99000003);
      expect(await stack.kaspi.refunds({ qrPaymentId: purchase.qrPaymentId })).toEqual([]);
    },
  );

  forEachSeller("%s: from another seller's device → refused, nothing refunded", async (seller, task) => {
    const purchase = await purchaseFor(seller, task.meta, "refunds: from another seller's device");
    const other = sellers[(sellers.indexOf(seller) + 1) % sellers.length] as Seller;
    const answer = await refund(other, purchase.qrPaymentId, purchase.amount);
    expect(answer.StatusCode, `Kaspi answered ${answer.StatusCode}`).not.toBe(0);
    expect(answer.StatusCode, "purchase's trade point does not match the device").toBe(-99000003);
    expect(await stack.kaspi.refunds({ qrPaymentId: purchase.qrPaymentId })).toEqual([]);
  });
});

/** What `POST /local/api/refund.php` answers. */
type BitrixRefundAnswer =
  | { ok: true; refund: { returnOperationId: number; organizationBin: string; amount: number } }
  | { ok: false; error: { code: string; kaspiStatusCode?: number | null; message: string } };

const refundNotLogged: Cause = {
  key: 'paymentlog:refund',
  hop: 'Bitrix → paymentlog',
  what: "a refund is not in the paymentlog as one refund row on the seller's shop and BIN, amount in kopecks",
  fix: 'log the refund with createPaymentLog: operation_type refund, external_id the purchase, amount × 100 (payment-service.md)',
};

const refundThroughBitrix = async (orderId: number, amount: number) => {
  const response = await fetch(`${stack.info.bitrix.url}/local/api/refund.php`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ orderId, amount }),
  });
  return { httpStatus: response.status, body: (await response.json()) as BitrixRefundAnswer };
};

describe('[refunds] through Bitrix: refund.php refunds from the seller of the order', () => {
  forEachSeller(
    '%s: a partial refund through Bitrix (ApiClient::paymentReturn) lands on its BIN and trade point',
    async (seller, task) => {
      const { result, purchase } = await tracePayment(stack, {
        scenario: 'refunds: through Bitrix',
        seller,
        catalogue,
        faker,
        expectation: 'seller',
        meta: task.meta,
      });
      expect(result.passed, result.reason).toBe(true);
      if (!purchase || result.orderId === null)
        throw new Error('unreachable: a passed result has a purchase');
      await stack.kaspi.emulate(purchase.qrPaymentId, 'scan');
      expect((await stack.kaspi.emulate(purchase.qrPaymentId, 'confirm')).status).toBe('Processed');

      const part = Math.round(purchase.amount * 40) / 100;
      const startedAt = new Date();
      const answer = await refundThroughBitrix(result.orderId, part);
      const traced = await traceStep(
        stack,
        task.meta,
        {
          request: `POST /local/api/refund.php (order ${result.orderId}, ${part} ₸)`,
          answer: answer.body.ok
            ? `HTTP ${answer.httpStatus}`
            : `HTTP ${answer.httpStatus} ${answer.body.error.message}`,
          startedAt,
          ms: Date.now() - startedAt.getTime(),
        },
        [seller.bin, fallbackOrganization.bin],
      );
      if (!answer.body.ok && answer.body.error.code === 'not_implemented')
        throw new NotImplemented(answer.body.error.message);
      if (!answer.body.ok)
        recordCause(
          task.meta,
          diagnoseKaspiStep('refund', traced.kaspi, {
            code: answer.body.error.code,
            message: answer.body.error.message,
          }),
        );
      expect(answer.httpStatus, JSON.stringify(answer.body)).toBe(200);
      if (!answer.body.ok) throw new Error('unreachable: HTTP 200 is ok');
      expect(answer.body.refund).toEqual({
        returnOperationId: expect.any(Number),
        organizationBin: seller.bin,
        amount: part,
      });

      const refunds = await stack.kaspi.refunds({ qrPaymentId: purchase.qrPaymentId });
      expect(refunds.map((r) => [r.returnOperationId, r.organizationBin, r.deviceToken, r.amount])).toEqual([
        [answer.body.refund.returnOperationId, seller.bin, seller.deviceToken, part],
      ]);
      const after = await stack.kaspi.purchase(purchase.qrPaymentId);
      expect(after?.refundedAmount).toBeCloseTo(part, 2);
      expect(after?.tradePointId, "the purchase's own trade point").toBe(seller.tradePointId);

      // The refund is a payment operation the paymentlog records too (operation_type refund).
      if (!(await declaredContract(stack)).logRoute) return;
      const logged = (await paymentLogRows(stack, String(purchase.qrPaymentId))).filter(
        (row) => row.operation_type === 'refund',
      );
      await because(task.meta, refundNotLogged, () =>
        expect(
          logged.map((row) => ({ shop: row.shop_id, bin: row.organization_bin, amount: row.amount })),
          'one refund row in the paymentlog, on the seller, in kopecks',
        ).toEqual([{ shop: seller.shopId, bin: seller.bin, amount: Math.round(part * 100) }]),
      );
    },
  );
});
