/**
 * The handlers as a TypeScript user would use them in-process: msw's `setupServer` intercepting a
 * plain `fetch` to Kaspi's real test host, no listener and no TLS involved.
 */
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { allOrganizations } from '../../fixtures/organizations.ts';
import { createKaspiHandlers } from './handlers.ts';
import { KaspiState } from './state.ts';
import { sellerAt } from './test-helpers.ts';

const org = sellerAt(0);
const state = new KaspiState({ organizations: allOrganizations });
const server = setupServer(...createKaspiHandlers(state));

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

it('answers fetch to https://mtokentest.kaspi.kz:8545/r3/v01/... from the in-process state', async () => {
  const response = await fetch('https://mtokentest.kaspi.kz:8545/r3/v01/qr/create', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ DeviceToken: org.deviceToken, Amount: 750, OrganizationBin: org.bin }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { StatusCode: number; Data: { QrPaymentId: number } };
  expect(body.StatusCode).toBe(0);
  expect(state.purchase(body.Data.QrPaymentId)).toMatchObject({ organizationBin: org.bin, amount: 750 });

  const status = await fetch(
    `https://mtokentest.kaspi.kz:8545/r3/v01/payment/status/${body.Data.QrPaymentId}`,
  );
  expect(await status.json()).toEqual({ StatusCode: 0, Message: 'OK', Data: { Status: 'QrTokenCreated' } });
});
