import { describe, expect, it } from 'vitest';
import { useFixture } from './fidelity-fixture.ts';
import { sellerAt } from './test-helpers.ts';

const orgA = sellerAt(0);
const orgB = sellerAt(1);
const f = useFixture();

const clientInfo = (phone: string, token = orgA.deviceToken) =>
  f.r3('GET', `/r3/v01/remote/client-info?phoneNumber=${encodeURIComponent(phone)}&deviceToken=${token}`);
const invoice = (extra: Record<string, unknown> = {}) =>
  f.r3('POST', '/r3/v01/remote/create', {
    OrganizationBin: orgA.bin,
    Amount: 2500,
    PhoneNumber: '7071234567',
    DeviceToken: orgA.deviceToken,
    Comment: 'order 42',
    ...extra,
  });
const cancel = (id: number, org = orgA) =>
  f.r3('POST', '/r3/v01/remote/cancel', {
    OrganizationBin: org.bin,
    QrPaymentId: id,
    DeviceToken: org.deviceToken,
  });

describe('remote/client-info', () => {
  it('names the client, -1401 for a non-client, 990000029 for a malformed number, -1501 for a device', async () => {
    const answer = await clientInfo('+77071234567');
    expect(answer.body.StatusCode).toBe(0);
    expect((answer.body.Data as { ClientName: string }).ClientName).toMatch(/^\S+ \S\.$/);
    expect((await clientInfo('7071230000')).body.StatusCode).toBe(-1401);
    expect((await clientInfo('12345')).body.StatusCode).toBe(990000029);
    expect((await clientInfo('7071234567', '00000000-0000-4000-8000-000000000000')).body.StatusCode).toBe(
      -1501,
    );
  });

  it('serves 50 calls a minute per device, refuses the 51st, and serves again a minute later', async () => {
    await f.controlCall('POST', '/control/clock', { freeze: true });
    for (let i = 0; i < 50; i += 1) {
      expect((await clientInfo('7071234567')).body.StatusCode, `call ${i + 1}`).toBe(0);
    }
    const limited = await clientInfo('7071234567');
    expect(limited.body.StatusCode).toBe(-999);
    expect(limited.body.Message).toMatch(/50/);
    // Another device has its own budget.
    expect((await clientInfo('7071234567', orgB.deviceToken)).body.StatusCode).toBe(0);
    await f.controlCall('POST', '/control/clock', { advanceSeconds: 59 });
    expect((await clientInfo('7071234567')).body.StatusCode).toBe(-999);
    await f.controlCall('POST', '/control/clock', { advanceSeconds: 1 });
    expect((await clientInfo('7071234567')).body.StatusCode).toBe(0);
  });
});

describe('remote invoices', () => {
  it('creates an invoice on the BIN, paid through the emulators, counted in the ledger', async () => {
    const created = await invoice();
    expect(created.body.StatusCode).toBe(0);
    const id = (created.body.Data as { QrPaymentId: number }).QrPaymentId;
    expect(await f.control.purchase(id)).toMatchObject({
      kind: 'remote',
      organizationBin: orgA.bin,
      phoneNumber: '7071234567',
      comment: 'order 42',
      status: 'QrTokenCreated',
    });
    await f.emulate('scan', id);
    await f.emulate('confirm', id);
    expect((await f.r3('GET', `/r3/v01/payment/status/${id}`)).body.Data).toEqual({ Status: 'Processed' });
    expect((await cancel(id)).body.StatusCode).toBe(-99000011);
    expect((await f.control.ledger()).find((r) => r.organizationBin === orgA.bin)).toMatchObject({
      balance: 2500,
    });
  });

  it('cancels an unpaid invoice; the status says RemotePaymentCanceled and it can no longer be paid', async () => {
    const id = ((await invoice()).body.Data as { QrPaymentId: number }).QrPaymentId;
    // Another seller's own device and BIN: the invoice is not at its trade point.
    expect((await cancel(id, orgB)).body.StatusCode).toBe(-99000003);
    const answer = await cancel(id);
    expect(answer.body).toEqual({ StatusCode: 0, Message: 'OK', Data: { Status: 'RemotePaymentCanceled' } });
    expect((await f.r3('GET', `/r3/v01/payment/status/${id}`)).body.Data).toEqual({
      Status: 'RemotePaymentCanceled',
    });
    expect((await f.emulate('scan', id)).body.StatusCode).toBe(-99000011);
    expect((await cancel(id)).body.StatusCode).toBe(-99000011);
    expect((await cancel(424242)).body.StatusCode).toBe(-1601);
  });

  it('expires an unpaid invoice after 24 hours on the simulator clock', async () => {
    await f.controlCall('POST', '/control/clock', { freeze: true });
    const id = ((await invoice()).body.Data as { QrPaymentId: number }).QrPaymentId;
    await f.controlCall('POST', '/control/clock', { advanceSeconds: 24 * 3600 - 1 });
    expect((await f.control.purchase(id))?.status).toBe('QrTokenCreated');
    await f.controlCall('POST', '/control/clock', { advanceSeconds: 1 });
    expect(await f.control.purchase(id)).toMatchObject({ status: 'Error', errorReason: 'invoiceExpired' });
  });

  it('answers 990000028 for a bad amount, 990000029 for a bad phone, 990000033 without payment methods', async () => {
    expect((await invoice({ Amount: -1 })).body.StatusCode).toBe(990000028);
    expect((await invoice({ PhoneNumber: 'abc' })).body.StatusCode).toBe(990000029);
    await f.controlCall('POST', `/control/trade-points/${orgA.tradePointId}/settings`, {
      paymentMethods: [],
    });
    expect((await invoice()).body.StatusCode).toBe(990000033);
  });
});
