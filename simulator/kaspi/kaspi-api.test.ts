import { beforeEach, describe, expect, it } from 'vitest';
import { useParts } from '../../platform/testing.ts';
import { assemble } from '../../platform/lifecycle.ts';
import { allOrganizations, type Organization } from '../../fixtures/organizations.ts';
import { KaspiControlClient } from './control-client.ts';
import { startKaspiSimulator } from './server.ts';
import { call, sellerAt, data, post } from './test-helpers.ts';

const orgA = sellerAt(0);
const orgB = sellerAt(1);

const parts = useParts(
  assemble()
    .with('sim', () => startKaspiSimulator())
    .value('control', ({ sim }) => new KaspiControlClient(sim.controlUrl)),
);
beforeEach(async () => {
  await parts.control.reset();
});

const r3 = (path: string) => `${parts.sim.url}/r3/v01/${path}`;
const qrBody = (org: Organization, extra: Record<string, unknown> = {}) => ({
  DeviceToken: org.deviceToken,
  Amount: 1500,
  ExternalId: 'order-1',
  OrganizationBin: org.bin,
  ...extra,
});

async function createQr(org: Organization, extra: Record<string, unknown> = {}): Promise<number> {
  const answer = await post(r3('qr/create'), qrBody(org, extra));
  expect(answer.body.StatusCode).toBe(0);
  return data(answer).QrPaymentId as number;
}

describe('qr/create', () => {
  it('lands every seeded organization on its own BIN, trade point and device', async () => {
    for (const org of allOrganizations) {
      const answer = await post(r3('qr/create'), qrBody(org, { ExternalId: `ext-${org.bin}` }));
      expect(answer.httpStatus).toBe(200);
      expect(answer.body).toMatchObject({ StatusCode: 0, Message: 'OK' });
      const d = data(answer);
      expect(d).toMatchObject({
        PaymentMethods: ['Gold', 'Red', 'Loan'],
        QrPaymentBehaviorOptions: {
          StatusPollingInterval: 5,
          QrCodeScanWaitTimeout: 180,
          PaymentConfirmationTimeout: 65,
        },
      });
      expect(typeof d.QrToken).toBe('string');
      expect(d.ExpireDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
      const purchase = await parts.control.purchase(d.QrPaymentId as number);
      expect(purchase).toMatchObject({
        organizationBin: org.bin,
        tradePointId: org.tradePointId,
        deviceId: org.deviceId,
        deviceToken: org.deviceToken,
        amount: 1500,
        externalId: `ext-${org.bin}`,
        status: 'QrTokenCreated',
        kind: 'qr',
        scheme: 'r3',
      });
    }
  });

  it('hands out increasing ids', async () => {
    const first = await createQr(orgA);
    const second = await createQr(orgB);
    expect(second).toBeGreaterThan(first);
  });

  it("refuses org A's token under org B's BIN with -1501 and records nothing", async () => {
    const answer = await post(r3('qr/create'), qrBody(orgA, { OrganizationBin: orgB.bin }));
    expect(answer.httpStatus).toBe(200);
    expect(answer.body.StatusCode).toBe(-1501);
    expect(answer.body.Data).toBeUndefined();
    expect(await parts.control.purchases()).toEqual([]);
  });

  it('answers -1501 for an unknown token, a missing token and a missing r3 BIN', async () => {
    const unknown = await post(
      r3('qr/create'),
      qrBody(orgA, { DeviceToken: '00000000-0000-4000-8000-000000000000' }),
    );
    expect(unknown.body.StatusCode).toBe(-1501);
    const { DeviceToken: _token, ...noToken } = qrBody(orgA);
    expect((await post(r3('qr/create'), noToken)).body.StatusCode).toBe(-1501);
    const { OrganizationBin: _bin, ...noBin } = qrBody(orgA);
    expect((await post(r3('qr/create'), noBin)).body.StatusCode).toBe(-1501);
  });

  it.each([0, -5, 1e10, 10.005, '1500', null, true])('answers 990000028 for Amount %j', async (amount) => {
    const answer = await post(r3('qr/create'), qrBody(orgA, { Amount: amount }));
    expect(answer.httpStatus).toBe(200);
    expect(answer.body.StatusCode).toBe(990000028);
  });

  it('accepts two decimals, including binary float noise', async () => {
    const id = await createQr(orgA, { Amount: 0.1 + 0.2 });
    expect((await parts.control.purchase(id))?.amount).toBe(0.3);
  });

  it('answers 990000028 when Amount is missing', async () => {
    const { Amount: _amount, ...body } = qrBody(orgA);
    expect((await post(r3('qr/create'), body)).body.StatusCode).toBe(990000028);
  });

  it('treats r1/r2 requests without OrganizationBin by the token owner', async () => {
    for (const scheme of ['r1', 'r2']) {
      const answer = await post(`${parts.sim.url}/${scheme}/v01/qr/create`, {
        DeviceToken: orgB.deviceToken,
        Amount: 99.99,
      });
      expect(answer.body.StatusCode).toBe(0);
      const purchase = await parts.control.purchase(data(answer).QrPaymentId as number);
      expect(purchase).toMatchObject({ organizationBin: orgB.bin, scheme, externalId: null, amount: 99.99 });
    }
  });

  it('answers 990000018 / 990000026 for a disabled or non-QR trade point, and -1502 for a deleted device', async () => {
    await parts.control.updateTradePoint(orgA.tradePointId, { enabled: false });
    expect((await post(r3('qr/create'), qrBody(orgA))).body.StatusCode).toBe(990000018);
    await parts.control.updateTradePoint(orgA.tradePointId, { enabled: true, acceptsQr: false });
    expect((await post(r3('qr/create'), qrBody(orgA))).body.StatusCode).toBe(990000026);
    await parts.control.reset();
    const deleted = await post(r3('device/delete'), {
      DeviceToken: orgA.deviceToken,
      OrganizationBin: orgA.bin,
    });
    expect(deleted.body).toEqual({ StatusCode: 0 });
    expect((await post(r3('qr/create'), qrBody(orgA))).body.StatusCode).toBe(-1502);
  });
});

describe('qr/create-link', () => {
  it('answers PaymentId (not QrPaymentId), a pay.kaspi.kz link and link behaviour options', async () => {
    const answer = await post(r3('qr/create-link'), qrBody(orgB));
    expect(answer.body.StatusCode).toBe(0);
    const d = data(answer);
    expect(d.QrPaymentId).toBeUndefined();
    expect(typeof d.PaymentId).toBe('number');
    expect(d.PaymentLink).toMatch(/^https:\/\/pay\.kaspi\.kz\/pay\/\d+$/);
    expect(d.PaymentBehaviorOptions).toEqual({
      StatusPollingInterval: 5,
      LinkActivationWaitTimeout: 180,
      PaymentConfirmationTimeout: 65,
    });
    const purchase = await parts.control.purchase(d.PaymentId as number);
    expect(purchase).toMatchObject({ kind: 'link', organizationBin: orgB.bin });
  });

  it('applies the same BIN check', async () => {
    expect(
      (await post(r3('qr/create-link'), qrBody(orgB, { OrganizationBin: orgA.bin }))).body.StatusCode,
    ).toBe(-1501);
  });
});

describe('payment status and test emulators', () => {
  const status = async (id: number | string) => call(r3(`payment/status/${id}`));
  const emulate = (action: string, id: number | string) =>
    post(`${parts.sim.url}/test/payment/${action}`, { qrPaymentId: String(id) });

  it('walks QrTokenCreated → Wait → Processed', async () => {
    const id = await createQr(orgA);
    expect(data(await status(id))).toEqual({ Status: 'QrTokenCreated' });
    expect((await emulate('scan', id)).body).toEqual({ StatusCode: 0, message: 'Payment scanned' });
    expect(data(await status(id))).toEqual({ Status: 'Wait' });
    expect((await emulate('confirm', id)).body.StatusCode).toBe(0);
    expect(data(await status(id))).toEqual({ Status: 'Processed' });
    const ledger = await parts.control.ledger();
    expect(ledger.find((row) => row.organizationBin === orgA.bin)).toEqual({
      organizationBin: orgA.bin,
      purchases: 1,
      processedAmount: 1500,
      pendingAmount: 0,
      refundedAmount: 0,
      balance: 1500,
    });
    expect(ledger.find((row) => row.organizationBin === orgB.bin)?.processedAmount).toBe(0);
  });

  it('walks to Error through scanerror and confirmerror', async () => {
    const scanFailed = await createQr(orgA);
    expect((await emulate('scanerror', scanFailed)).body.StatusCode).toBe(0);
    expect(data(await status(scanFailed))).toEqual({ Status: 'Error' });
    const confirmFailed = await createQr(orgA);
    await emulate('scan', confirmFailed);
    expect((await emulate('confirmerror', confirmFailed)).body.StatusCode).toBe(0);
    expect(data(await status(confirmFailed))).toEqual({ Status: 'Error' });
  });

  it('refuses illegal transitions with -99000011 and keeps the status', async () => {
    const id = await createQr(orgA);
    expect((await emulate('confirm', id)).body.StatusCode).toBe(-99000011);
    expect((await emulate('confirmerror', id)).body.StatusCode).toBe(-99000011);
    await emulate('scan', id);
    expect((await emulate('scan', id)).body.StatusCode).toBe(-99000011);
    expect(data(await status(id))).toEqual({ Status: 'Wait' });
  });

  it('answers -1601 for unknown or malformed purchase ids', async () => {
    for (const id of ['999999999999', 'abc', '-1']) {
      const answer = await status(id);
      expect(answer.httpStatus).toBe(200);
      expect(answer.body.StatusCode).toBe(-1601);
    }
    expect((await emulate('scan', 424242)).body.StatusCode).toBe(-1601);
    expect(
      (await post(`${parts.sim.url}/test/payment/scan`, { qrPaymentId: { nested: 1 } })).body.StatusCode,
    ).toBe(-1601);
  });
});

describe('hostile input', () => {
  it.each(['{oops', '', '[1,2]', '42', 'null', '"text"'])(
    'answers HTTP 400 with a -999 envelope for body %j',
    async (raw) => {
      const answer = await post(r3('qr/create'), raw);
      expect(answer.httpStatus).toBe(400);
      expect(answer.body).toEqual({ StatusCode: -999, Message: 'Request body must be a JSON object' });
    },
  );

  it('answers wrong field types with Kaspi codes, never a crash', async () => {
    const wrongToken = await post(r3('qr/create'), qrBody(orgA, { DeviceToken: 12345 }));
    expect(wrongToken.body.StatusCode).toBe(-1501);
    const wrongExternalId = await post(r3('qr/create'), qrBody(orgA, { ExternalId: { id: 1 } }));
    expect(wrongExternalId.httpStatus).toBe(200);
    expect(wrongExternalId.body.StatusCode).toBe(-999);
    // The simulator is still healthy afterwards.
    expect((await call(r3('health/ping'))).body).toEqual({ StatusCode: 0, Message: 'OK' });
  });

  it('answers unmatched routes and wrong methods with HTTP 404 and a journaled envelope', async () => {
    const unknown = await post(`${parts.sim.url}/r3/v01/qr/does-not-exist`, {});
    expect(unknown.httpStatus).toBe(404);
    expect(unknown.body.StatusCode).toBe(-999);
    const wrongMethod = await call(r3('qr/create'));
    expect(wrongMethod.httpStatus).toBe(404);
    const journal = await parts.control.journal({ path: '/r3/v01/qr/' });
    expect(journal.map((entry) => [entry.method, entry.path, entry.httpStatus])).toEqual([
      ['POST', '/r3/v01/qr/does-not-exist', 404],
      ['GET', '/r3/v01/qr/create', 404],
    ]);
  });

  it('does not serve the control API on the Kaspi port', async () => {
    expect((await call(`${parts.sim.url}/control/purchases`)).httpStatus).toBe(404);
  });
});

describe('merchant endpoints', () => {
  it('lists only the named BIN trade points on r3, and -14000002 for an unknown BIN', async () => {
    const answer = await call(r3(`partner/tradepoints/${orgA.bin}`));
    expect(answer.body).toEqual({
      StatusCode: 0,
      Message: 'OK',
      Data: [{ TradePointId: orgA.tradePointId, TradePointName: orgA.tradePointName }],
    });
    expect((await call(r3('partner/tradepoints/000000000000'))).body.StatusCode).toBe(-14000002);
    const all = await call(`${parts.sim.url}/r1/v01/partner/tradepoints`);
    expect((all.body.Data as unknown[]).length).toBe(allOrganizations.length);
  });

  it('registers devices idempotently on the BIN trade point, refusing foreign trade points', async () => {
    const body = { DeviceId: 'POS-2', TradePointId: orgA.tradePointId, OrganizationBin: orgA.bin };
    const first = await post(r3('device/register'), body);
    const second = await post(r3('device/register'), body);
    expect(first.body.StatusCode).toBe(0);
    expect(data(second).DeviceToken).toBe(data(first).DeviceToken);
    const foreign = await post(r3('device/register'), { ...body, OrganizationBin: orgB.bin });
    expect(foreign.body.StatusCode).toBe(-99000002);
    const moved = await post(r3('device/register'), {
      ...body,
      TradePointId: orgB.tradePointId,
      OrganizationBin: orgB.bin,
    });
    expect(moved.body.StatusCode).toBe(-1503);
    // The new token charges org A.
    const id = await createQr(orgA, { DeviceToken: data(first).DeviceToken });
    expect((await parts.control.purchase(id))?.organizationBin).toBe(orgA.bin);
  });
});
