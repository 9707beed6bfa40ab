import { beforeEach, describe, expect, it } from 'vitest';
import { useFixture } from './fidelity-fixture.ts';
import { sellerAt } from './test-helpers.ts';

const org = sellerAt(0);
const f = useFixture();

// After the fixture's reset (hooks run in the order they were registered).
beforeEach(async () => {
  await f.controlCall('POST', '/control/clock', { set: '2024-05-01T10:30:00+06:00', freeze: true });
});

const status = async (id: number, version = 'v01') =>
  (await f.r3('GET', `/r3/${version}/payment/status/${id}`)).body.Data as Record<string, unknown>;
const advance = (seconds: number) => f.controlCall('POST', '/control/clock', { advanceSeconds: seconds });

describe('simulator clock', () => {
  it('reports, freezes, sets and advances; reset puts it back on real time', async () => {
    const frozen = (await f.controlCall('GET', '/control/clock')).clock as Record<string, unknown>;
    expect(frozen).toMatchObject({ now: '2024-05-01T04:30:00.000Z', frozen: true });
    const later = (await advance(90)).clock as Record<string, unknown>;
    expect(later.now).toBe('2024-05-01T04:31:30.000Z');
    await expect(f.controlCall('POST', '/control/clock', { set: '2024-05-01' })).rejects.toThrow(/400/);
    await expect(f.controlCall('POST', '/control/clock', { advanceSeconds: 'x' })).rejects.toThrow(/400/);
    await f.control.reset();
    const real = (await f.controlCall('GET', '/control/clock')).clock as Record<string, unknown>;
    expect(real.frozen).toBe(false);
    expect(Math.abs((real.epochMs as number) - Date.now())).toBeLessThan(5_000);
  });

  it('prints Kaspi dates with the +06:00 offset on the simulator clock', async () => {
    const answer = await f.r3('POST', '/r3/v01/qr/create', {
      DeviceToken: org.deviceToken,
      Amount: 5,
      OrganizationBin: org.bin,
    });
    expect((answer.body.Data as { ExpireDate: string }).ExpireDate).toBe('2024-05-01T10:33:00+06:00');
  });
});

describe('purchase timeouts', () => {
  it('QrCodeScanWaitTimeout: an unscanned QR becomes Error at 180 s, and cannot be scanned after', async () => {
    const id = await f.createQr(org, 100);
    await advance(179);
    expect(await status(id)).toEqual({ Status: 'QrTokenCreated' });
    await advance(1);
    expect(await status(id)).toEqual({ Status: 'Error' });
    expect((await f.emulate('scan', id)).body.StatusCode).toBe(-99000011);
    expect((await f.control.purchase(id))?.errorReason).toBe('scanTimeout');
  });

  it('LinkActivationWaitTimeout: an unopened link becomes Error at 180 s', async () => {
    const id = await f.createQr(org, 100, 'qr/create-link');
    await advance(180);
    expect(await status(id)).toEqual({ Status: 'Error' });
  });

  it('PaymentConfirmationTimeout: Wait for 65 s becomes Error and no money lands', async () => {
    const id = await f.createQr(org, 100);
    await advance(170);
    await f.emulate('scan', id); // scanned just in time: the scan deadline no longer applies
    await advance(64);
    expect(await status(id)).toEqual({ Status: 'Wait' });
    await advance(1);
    expect(await status(id)).toEqual({ Status: 'Error' });
    expect((await f.emulate('confirm', id)).body.StatusCode).toBe(-99000011);
    const row = (await f.control.ledger()).find((r) => r.organizationBin === org.bin);
    expect(row).toMatchObject({ processedAmount: 0, pendingAmount: 0, balance: 0 });
    expect((await f.control.purchase(id))?.errorReason).toBe('confirmationTimeout');
  });

  it('a confirmed purchase stays Processed however long the clock runs', async () => {
    const id = await f.paidPurchase(org, 100);
    await advance(10 * 86_400);
    expect(await status(id)).toEqual({ Status: 'Processed' });
  });
});

describe('payment/status v02', () => {
  it('answers the richer status on every scheme', async () => {
    const id = await f.createQr(org, 42.5);
    expect(await status(id, 'v02')).toMatchObject({
      Status: 'QrTokenCreated',
      TransactionId: null,
      Amount: 42.5,
    });
    await f.emulate('scan', id);
    await f.emulate('confirm', id);
    const paid = await status(id, 'v02');
    expect(paid).toMatchObject({
      Status: 'Processed',
      ProductType: 'Gold',
      IsOffer: false,
      StoreName: org.tradePointName,
    });
    expect(paid.TransactionId).toMatch(/^\d+$/);
    expect(Object.keys(paid).sort()).toEqual(
      [
        'Address',
        'Amount',
        'City',
        'IsOffer',
        'LoanOfferName',
        'LoanTerm',
        'ProductType',
        'Status',
        'StoreName',
        'TransactionId',
      ].sort(),
    );
    expect((await f.r3('GET', '/r3/v02/payment/status/1')).body.StatusCode).toBe(-1601);
  });
});
