import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sellers } from '../fixtures/organizations.ts';
import { KaspiControlClient, startKaspiSimulator, type KaspiSimulator } from '../simulator/kaspi/index.ts';
import { PaymentServiceControlClient } from '../simulator/payment-service/control-client.ts';
import {
  startPaymentServiceSimulator,
  type PaymentServiceSimulator,
} from '../simulator/payment-service/server.ts';
import { usePostgres } from '../simulator/payment-service/test-support.ts';

const postgres = usePostgres();
let kaspi: KaspiSimulator;
let kaspiControl: KaspiControlClient;
let simulator: PaymentServiceSimulator;
let control: PaymentServiceControlClient;
const seller = sellers[3]!;

beforeAll(async () => {
  kaspi = await startKaspiSimulator();
  kaspiControl = new KaspiControlClient(kaspi.controlUrl);
  simulator = await startPaymentServiceSimulator({
    databaseUrl: postgres.server.url,
    profile: 'deployed',
    kaspi: { url: kaspi.url },
    kaspiVia: 'bitrix-proxy',
  });
  control = new PaymentServiceControlClient(simulator.controlUrl);
});
afterAll(async () => {
  await simulator?.stop();
  await kaspi?.stop();
});
beforeEach(async () => {
  await Promise.all([control.reset(), kaspiControl.reset()]);
  await control.changeClock({ freeze: true });
});

async function createLink(amount: number): Promise<number> {
  const response = await fetch(`${simulator.url}/payments/kaspi/create-link`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ shop_id: seller.shopId, amount, message: 'poll me' }),
  });
  expect(response.status).toBe(200);
  return Number(((await response.json()) as { payment_id: string }).payment_id);
}

const statusCalls = async (id: number) =>
  (await kaspiControl.journal({ path: `payment/status/${id}` })).length;

describe('background status polling on a frozen clock', () => {
  it('polls a 15 s old payment after 15 s, and writes Kaspi status into paymentlog', async () => {
    const id = await createLink(700);
    await kaspiControl.emulate(id, 'scan');
    await kaspiControl.emulate(id, 'confirm');
    expect(await statusCalls(id)).toBe(0);

    const { polls } = await control.changeClock({ advanceSeconds: 14 });
    expect(polls).toEqual([]);
    const next = await control.changeClock({ advanceSeconds: 1 });
    expect(next.polls).toMatchObject([{ job: 'recent', checked: 1, updated: 1 }]);
    expect(await statusCalls(id)).toBe(1);
    expect(await control.logs({ external_id: String(id) })).toMatchObject([{ status: 'Processed' }]);

    // Final: never asked again.
    await control.changeClock({ advanceSeconds: 15 });
    expect(await statusCalls(id)).toBe(1);
  });

  it('after 10 minutes a payment moves to the 3-minute job', async () => {
    const id = await createLink(300);
    await control.changeClock({ advanceSeconds: 15 });
    expect(await statusCalls(id)).toBe(1);
    // Jump past the 10-minute window: the 15 s job no longer sees it; the 3-minute one does.
    const { polls } = await control.changeClock({ advanceSeconds: 11 * 60 });
    expect(polls).toMatchObject([
      { job: 'recent', checked: 0 },
      { job: 'older', checked: 1 },
    ]);
    expect(await statusCalls(id)).toBe(2);
  });

  it('went through the Bitrix proxy with the reference query string', async () => {
    expect(simulator.bitrixProxyUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(
      `${simulator.bitrixProxyUrl}/api/v2/paymentkaspi/status/?access_token=wrong&externalId=1`,
    );
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ status: false, http_code: 401 });
  });
});
