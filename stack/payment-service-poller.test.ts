import { beforeEach, describe, expect, it } from 'vitest';
import { useParts } from '../platform/testing.ts';
import { assemble } from '../platform/lifecycle.ts';
import { sellers } from '../fixtures/organizations.ts';
import { KaspiControlClient, startKaspiSimulator } from '../simulator/kaspi/index.ts';
import { PaymentServiceControlClient } from '../simulator/payment-service/control-client.ts';
import { startPaymentServiceSimulator } from '../simulator/payment-service/server.ts';
import { startTestPostgres } from '../simulator/payment-service/test-support.ts';

const seller = sellers[3]!;

const parts = useParts(
  assemble()
    .with('postgres', startTestPostgres)
    .with('kaspi', () => startKaspiSimulator())
    .value('kaspiControl', ({ kaspi }) => new KaspiControlClient(kaspi.controlUrl))
    .with('simulator', ({ postgres, kaspi }) =>
      startPaymentServiceSimulator({
        databaseUrl: postgres.server.url,
        profile: 'deployed',
        kaspi: { url: kaspi.url },
        kaspiVia: 'bitrix-proxy',
      }),
    )
    .value('control', ({ simulator }) => new PaymentServiceControlClient(simulator.controlUrl)),
);
beforeEach(async () => {
  await Promise.all([parts.control.reset(), parts.kaspiControl.reset()]);
  await parts.control.changeClock({ freeze: true });
});

async function createLink(amount: number): Promise<number> {
  const response = await fetch(`${parts.simulator.url}/payments/kaspi/create-link`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ shop_id: seller.shopId, amount, message: 'poll me' }),
  });
  expect(response.status).toBe(200);
  return Number(((await response.json()) as { payment_id: string }).payment_id);
}

const statusCalls = async (id: number) =>
  (await parts.kaspiControl.journal({ path: `payment/status/${id}` })).length;

describe('background status polling on a frozen clock', () => {
  it('polls a 15 s old payment after 15 s, and writes Kaspi status into paymentlog', async () => {
    const id = await createLink(700);
    await parts.kaspiControl.emulate(id, 'scan');
    await parts.kaspiControl.emulate(id, 'confirm');
    expect(await statusCalls(id)).toBe(0);

    const { polls } = await parts.control.changeClock({ advanceSeconds: 14 });
    expect(polls).toEqual([]);
    const next = await parts.control.changeClock({ advanceSeconds: 1 });
    expect(next.polls).toMatchObject([{ job: 'recent', checked: 1, updated: 1 }]);
    expect(await statusCalls(id)).toBe(1);
    expect(await parts.control.logs({ external_id: String(id) })).toMatchObject([{ status: 'Processed' }]);

    // Final: never asked again.
    await parts.control.changeClock({ advanceSeconds: 15 });
    expect(await statusCalls(id)).toBe(1);
  });

  it('after 10 minutes a payment moves to the 3-minute job', async () => {
    const id = await createLink(300);
    await parts.control.changeClock({ advanceSeconds: 15 });
    expect(await statusCalls(id)).toBe(1);
    // Jump past the 10-minute window: the 15 s job no longer sees it; the 3-minute one does.
    const { polls } = await parts.control.changeClock({ advanceSeconds: 11 * 60 });
    expect(polls).toMatchObject([
      { job: 'recent', checked: 0 },
      { job: 'older', checked: 1 },
    ]);
    expect(await statusCalls(id)).toBe(2);
  });

  it('went through the Bitrix proxy with the reference query string', async () => {
    expect(parts.simulator.bitrixProxyUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(
      `${parts.simulator.bitrixProxyUrl}/api/v2/paymentkaspi/status/?access_token=wrong&externalId=1`,
    );
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ status: false, http_code: 401 });
  });
});
