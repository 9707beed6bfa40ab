import { describe, expect, it } from 'vitest';
import { useFixture } from './fidelity-fixture.ts';
import { sellerAt } from './test-helpers.ts';

const orgA = sellerAt(0);
const orgB = sellerAt(1);
const f = useFixture();

const qr = async (extra: Record<string, unknown> = {}) =>
  (
    await f.r3('POST', '/r3/v01/qr/create', {
      DeviceToken: orgA.deviceToken,
      Amount: 100,
      OrganizationBin: orgA.bin,
      ...extra,
    })
  ).body.StatusCode;
const settings = (change: Record<string, unknown>) =>
  f.controlCall('POST', `/control/trade-points/${orgA.tradePointId}/settings`, change);

describe('StatusCodes over mutual TLS, each from the state that causes it', () => {
  it('-1501 unknown device; device delete then -1502 on use and -1501 on a second delete', async () => {
    expect(await qr({ DeviceToken: '00000000-0000-4000-8000-000000000000' })).toBe(-1501);
    const del = () =>
      f.r3('POST', '/r3/v01/device/delete', { DeviceToken: orgA.deviceToken, OrganizationBin: orgA.bin });
    expect((await del()).body).toEqual({ StatusCode: 0 });
    expect(await qr()).toBe(-1502);
    expect((await del()).body.StatusCode).toBe(-1501);
  });

  it('device/register: idempotent, -1503 on another trade point, -99000002 for a foreign trade point', async () => {
    const body = { DeviceId: 'POS-9', TradePointId: orgA.tradePointId, OrganizationBin: orgA.bin };
    const first = await f.r3('POST', '/r3/v01/device/register', body);
    const again = await f.r3('POST', '/r3/v01/device/register', body);
    expect(first.body.StatusCode).toBe(0);
    expect(again.body.Data).toEqual(first.body.Data);
    const moved = await f.r3('POST', '/r3/v01/device/register', {
      ...body,
      TradePointId: orgB.tradePointId,
      OrganizationBin: orgB.bin,
    });
    expect(moved.body.StatusCode).toBe(-1503);
    const foreign = await f.r3('POST', '/r3/v01/device/register', { ...body, OrganizationBin: orgB.bin });
    expect(foreign.body.StatusCode).toBe(-99000002);
    // r2 registers without a BIN; the token still charges the trade point's owner.
    const r2 = await f.r2('POST', '/r2/v01/device/register', {
      DeviceId: 'POS-10',
      TradePointId: orgB.tradePointId,
    });
    const token = (r2.body.Data as { DeviceToken: string }).DeviceToken;
    const created = await f.r2('POST', '/r2/v01/qr/create', { DeviceToken: token, Amount: 1 });
    const id = (created.body.Data as { QrPaymentId: number }).QrPaymentId;
    expect((await f.control.purchase(id))?.organizationBin).toBe(orgB.bin);
  });

  it('-99000002 when the trade point is gone, 990000018 disabled, 990000026 no QR', async () => {
    await settings({ enabled: false });
    expect(await qr()).toBe(990000018);
    await settings({ enabled: true, acceptsQr: false });
    expect(await qr()).toBe(990000026);
    await f.controlCall('DELETE', `/control/trade-points/${orgA.tradePointId}`);
    expect(await qr()).toBe(-99000002);
    expect((await f.r3('GET', `/r3/v01/partner/tradepoints/${orgA.bin}`)).body.StatusCode).toBe(-14000002);
  });

  it('990000033 when the trade point has no payment methods; PaymentMethods follow the trade point', async () => {
    await settings({ paymentMethods: ['Gold'] });
    const answer = await f.r3('POST', '/r3/v01/qr/create', {
      DeviceToken: orgA.deviceToken,
      Amount: 100,
      OrganizationBin: orgA.bin,
    });
    expect(answer.body.StatusCode).toBe(0);
    await settings({ paymentMethods: [] });
    expect(await qr()).toBe(990000033);
  });

  it('990000028 wrong amount, -1601 unknown purchase, -14000002 unknown BIN', async () => {
    expect(await qr({ Amount: 0 })).toBe(990000028);
    expect((await f.r3('GET', '/r3/v01/payment/status/987654321')).body.StatusCode).toBe(-1601);
    expect((await f.r3('GET', '/r3/v01/partner/tradepoints/000000000000')).body.StatusCode).toBe(-14000002);
  });

  it('envelope: exact casing, HTTP 200, Message OK', async () => {
    const answer = await f.r3('GET', `/r3/v01/partner/tradepoints/${orgA.bin}`);
    expect(answer).toEqual({
      httpStatus: 200,
      body: {
        StatusCode: 0,
        Message: 'OK',
        Data: [{ TradePointId: orgA.tradePointId, TradePointName: orgA.tradePointName }],
      },
    });
  });
});
