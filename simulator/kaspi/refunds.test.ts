import { describe, expect, it } from 'vitest';
import { useFixture } from './fidelity-fixture.ts';
import { sellerAt } from './test-helpers.ts';

const orgA = sellerAt(0);
const orgB = sellerAt(1);
const f = useFixture();

const refund = (id: number, amount: number, org = orgA) =>
  f.r3('POST', '/r3/v01/payment/return', {
    DeviceToken: org.deviceToken,
    QrPaymentId: id,
    Amount: amount,
    OrganizationBin: org.bin,
  });
const details = (id: number, org = orgA) =>
  f.r3('GET', `/r3/v01/payment/details?QrPaymentId=${id}&DeviceToken=${org.deviceToken}`);
const rowOf = async (bin: string) => (await f.control.ledger()).find((row) => row.organizationBin === bin);

describe('r3 payment/return', () => {
  it('refunds in full and debits the BIN balance', async () => {
    const id = await f.paidPurchase(orgA, 1000);
    const answer = await refund(id, 1000);
    expect(answer.body).toMatchObject({ StatusCode: 0, Message: 'OK' });
    expect(typeof (answer.body.Data as { ReturnOperationId: unknown }).ReturnOperationId).toBe('number');
    expect(await rowOf(orgA.bin)).toMatchObject({ processedAmount: 1000, refundedAmount: 1000, balance: 0 });
    expect((await f.control.purchase(id))?.refundedAmount).toBe(1000);
  });

  it('refunds partially, then refuses a second refund beyond what is left with -99000005', async () => {
    const id = await f.paidPurchase(orgA, 1000);
    expect((await refund(id, 300.5)).body.StatusCode).toBe(0);
    expect((await details(id)).body.Data).toMatchObject({
      QrPaymentId: id,
      TotalAmount: 1000,
      AvailableReturnAmount: 699.5,
    });
    expect((await refund(id, 699.51)).body.StatusCode).toBe(-99000005);
    expect((await refund(id, 699.5)).body.StatusCode).toBe(0);
    expect((await refund(id, 0.01)).body.StatusCode).toBe(-99000005);
    expect(await rowOf(orgA.bin)).toMatchObject({ refundedAmount: 1000, balance: 0 });
  });

  it('refuses a refund larger than the purchase with -99000005', async () => {
    const id = await f.paidPurchase(orgA, 50);
    expect((await refund(id, 50.01)).body.StatusCode).toBe(-99000005);
    expect(await rowOf(orgA.bin)).toMatchObject({ refundedAmount: 0, balance: 50 });
  });

  it("refuses a refund from another trade point's device with -99000003", async () => {
    const id = await f.paidPurchase(orgA, 100);
    expect((await refund(id, 100, orgB)).body.StatusCode).toBe(-99000003);
    expect((await f.control.purchase(id))?.refundedAmount).toBe(0);
  });

  it('refuses refunds of purchases that are not Processed with -99000011', async () => {
    const created = await f.createQr(orgA, 100);
    expect((await refund(created, 100)).body.StatusCode).toBe(-99000011);
    await f.emulate('scan', created);
    expect((await refund(created, 100)).body.StatusCode).toBe(-99000011);
    await f.emulate('confirmerror', created);
    expect((await refund(created, 100)).body.StatusCode).toBe(-99000011);
  });

  it('refuses a partial refund where the trade point does not allow it (-99000020), but not a full one', async () => {
    await f.controlCall('POST', `/control/trade-points/${orgA.tradePointId}/settings`, {
      partialRefundAllowed: false,
    });
    const id = await f.paidPurchase(orgA, 200);
    expect((await refund(id, 100)).body.StatusCode).toBe(-99000020);
    expect((await refund(id, 200)).body.StatusCode).toBe(0);
  });

  it('answers -99000001 for an unknown purchase, 990000028 for a bad amount, -1501/-1502 for devices', async () => {
    expect((await refund(999_999_999, 10)).body.StatusCode).toBe(-99000001);
    const id = await f.paidPurchase(orgA, 100);
    expect((await refund(id, 0)).body.StatusCode).toBe(990000028);
    expect((await refund(id, 1.005)).body.StatusCode).toBe(990000028);
    const foreignBin = await f.r3('POST', '/r3/v01/payment/return', {
      DeviceToken: orgA.deviceToken,
      QrPaymentId: id,
      Amount: 10,
      OrganizationBin: orgB.bin,
    });
    expect(foreignBin.body.StatusCode).toBe(-1501);
    await f.r3('POST', '/r3/v01/device/delete', { DeviceToken: orgA.deviceToken, OrganizationBin: orgA.bin });
    expect((await refund(id, 10)).body.StatusCode).toBe(-1502);
  });

  it('payment/details: -1601 for an unknown or foreign purchase, 0 available before payment', async () => {
    const id = await f.createQr(orgA, 70);
    expect((await details(id)).body.Data).toMatchObject({ TotalAmount: 70, AvailableReturnAmount: 0 });
    expect((await details(id, orgB)).body.StatusCode).toBe(-1601);
    expect((await details(123)).body.StatusCode).toBe(-1601);
    expect((await f.r3('GET', `/r3/v01/payment/details?QrPaymentId=${id}`)).body.StatusCode).toBe(-1501);
  });
});

describe('r2 refund with the customer present', () => {
  it('walks return/create → customer scan → return/operations → payment/return', async () => {
    const paid = await f.paidPurchase(orgA, 500);
    const created = await f.r2('POST', '/r2/v01/return/create', {
      DeviceToken: orgA.deviceToken,
      ExternalId: 'ret-1',
    });
    expect(created.body.StatusCode).toBe(0);
    const data = created.body.Data as {
      QrReturnId: number;
      ExpireDate: string;
      QrReturnBehaviorOptions: unknown;
    };
    expect(data.ExpireDate).toMatch(/\+06:00$/);
    expect(data.QrReturnBehaviorOptions).toEqual({
      QrCodeScanEventPollingInterval: 5,
      QrCodeScanWaitTimeout: 180,
    });
    const returnId = data.QrReturnId;

    const early = await f.r2('POST', '/r2/v01/payment/return', {
      DeviceToken: orgA.deviceToken,
      QrPaymentId: paid,
      QrReturnId: returnId,
      Amount: 100,
    });
    expect(early.body.StatusCode).toBe(-99000011);
    expect((await f.r2('GET', `/r2/v01/return/status/${returnId}`)).body.Data).toEqual({
      Status: 'QrTokenCreated',
    });

    expect((await f.r2('POST', '/test/return/scan', { qrReturnId: String(returnId) })).body.StatusCode).toBe(
      0,
    );
    expect((await f.r2('GET', `/r2/v01/return/status/${returnId}`)).body.Data).toEqual({
      Status: 'CustomerIdentityObtained',
    });
    const operations = await f.r2('POST', '/r2/v01/return/operations', {
      DeviceToken: orgA.deviceToken,
      QrReturnId: returnId,
      MaxResult: 10,
    });
    expect(operations.body.Data).toEqual([
      { QrPaymentId: paid, TransactionDate: expect.stringMatching(/\+06:00$/) as unknown, Amount: 500 },
    ]);
    const refunded = await f.r2('POST', '/r2/v01/payment/return', {
      DeviceToken: orgA.deviceToken,
      QrPaymentId: paid,
      QrReturnId: returnId,
      Amount: 100,
    });
    expect(refunded.body.StatusCode).toBe(0);
    const otherDevice = await f.r2('POST', '/r2/v01/return/operations', {
      DeviceToken: orgB.deviceToken,
      QrReturnId: returnId,
    });
    expect(otherDevice.body.StatusCode).toBe(-99000003);
    expect(await f.control.refunds({ qrPaymentId: paid })).toMatchObject([
      { scheme: 'r2', qrReturnId: returnId, amount: 100 },
    ]);
  });
});
