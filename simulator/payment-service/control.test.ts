import { once } from 'node:events';
import { connect } from 'node:net';
import { beforeEach, describe, expect, it } from 'vitest';
import { useParts } from '../../platform/testing.ts';
import { assemble } from '../../platform/lifecycle.ts';
import { sellers } from '../../fixtures/organizations.ts';
import { PaymentServiceControlClient } from './control-client.ts';
import { startPaymentServiceSimulator } from './server.ts';
import { fetchErrorCode, startTestPostgres } from './test-support.ts';

const parts = useParts(
  assemble()
    .with('postgres', startTestPostgres)
    .with('simulator', ({ postgres }) => startPaymentServiceSimulator({ databaseUrl: postgres.server.url }))
    .value('control', ({ simulator }) => new PaymentServiceControlClient(simulator.controlUrl)),
);
const seller = sellers[2]!;

beforeEach(async () => {
  await parts.control.reset();
});

const configOf = (shopId: number): Promise<Response> =>
  fetch(`${parts.simulator.url}/api/payment/config?shop_id=${shopId}`);

describe('the down switch', () => {
  it('refuses connections while down, even to a client holding a keep-alive socket, then serves on the same port', async () => {
    expect((await configOf(seller.shopId)).status).toBe(200);

    expect(await parts.control.down()).toEqual({
      up: false,
      profile: 'guide',
      database: { reachable: true },
    });
    expect(await parts.control.state()).toEqual({
      up: false,
      profile: 'guide',
      database: { reachable: true },
    });
    expect(await fetchErrorCode(configOf(seller.shopId))).toBe('ECONNREFUSED');
    expect(await fetchErrorCode(fetch(`${parts.simulator.url}/api/health`))).toBe('ECONNREFUSED');

    expect(await parts.control.up()).toEqual({ up: true, profile: 'guide', database: { reachable: true } });
    const response = await configOf(seller.shopId);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ organization_bin: seller.bin });
  });

  it('cuts a connection caught mid-request instead of waiting for it', async () => {
    const { port } = new URL(parts.simulator.url);
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    // Headers announce a body that never comes: the connection is busy, not idle, when the switch flips.
    socket.write('POST /api/payment/log HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{');
    const closed = once(socket, 'close');
    socket.on('error', () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await parts.control.down();
    await closed;
    expect(socket.destroyed).toBe(true);
    await parts.control.up();
  });

  it('is idempotent both ways, and reset brings the service back up', async () => {
    await parts.control.down();
    await parts.control.down();
    await parts.control.reset();
    expect(await parts.control.state()).toEqual({
      up: true,
      profile: 'guide',
      database: { reachable: true },
    });
    await parts.control.up();
    expect((await fetch(`${parts.simulator.url}/api/health`)).status).toBe(200);
  });
});

describe('configs', () => {
  it('reset restores a changed config and drops configs the fixtures do not have', async () => {
    await parts.control.putConfig(seller.shopId, {
      organization_bin: '000000000000',
      device_token: null,
      is_active: false,
    });
    await parts.control.putConfig(123, { organization_bin: '111111111111' });
    expect(await (await configOf(seller.shopId)).json()).toMatchObject({ organization_bin: '000000000000' });

    await parts.control.reset();
    expect(await (await configOf(seller.shopId)).json()).toEqual({
      shop_id: seller.shopId,
      organization_bin: seller.bin,
      device_token: seller.deviceToken,
      is_active: true,
      provider: 'kaspi',
    });
    expect((await configOf(123)).status).toBe(404);
    expect((await parts.control.configs()).map((c) => c.shop_id).sort()).toEqual(
      sellers.map((s) => s.shopId).sort(),
    );
  });

  it('patches only the given fields, and needs a BIN to create a config', async () => {
    const patched = await parts.control.putConfig(seller.shopId, { device_token: 'rotated-token' });
    expect(patched).toMatchObject({
      shop_id: seller.shopId,
      organization_bin: seller.bin,
      device_token: 'rotated-token',
    });
    expect(patched.updated_at! >= patched.created_at!).toBe(true);
    await expect(parts.control.putConfig(555, { is_active: true })).rejects.toThrow(
      /400.*organization_bin is required/,
    );
    await expect(parts.control.putConfig(555, { organization_bin: '1234567890123' })).rejects.toThrow(/400/);
  });

  it('deletes a config: the service then answers 404 for that shop', async () => {
    expect(await parts.control.deleteConfig(seller.shopId)).toBe(true);
    expect(await parts.control.deleteConfig(seller.shopId)).toBe(false);
    expect((await configOf(seller.shopId)).status).toBe(404);
  });
});

describe('logs and requests', () => {
  it('reset empties the logs and the request journal', async () => {
    await fetch(`${parts.simulator.url}/api/payment/log`, {
      method: 'POST',
      body: JSON.stringify({
        shop_id: seller.shopId,
        organization_bin: seller.bin,
        operation_type: 'create',
      }),
    });
    expect(await parts.control.logs()).toHaveLength(1);
    expect((await parts.control.requests()).length).toBeGreaterThan(0);
    await parts.control.reset();
    expect(await parts.control.logs()).toEqual([]);
    expect(await parts.control.requests()).toEqual([]);
  });

  it('rejects bad control input with 400', async () => {
    await expect(parts.control.requests(0)).rejects.toThrow(/400/);
    const response = await fetch(`${parts.simulator.controlUrl}/control/logs?shop_id=abc`);
    expect(response.status).toBe(400);
  });
});
