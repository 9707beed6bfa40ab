import { beforeEach, describe, expect, it } from 'vitest';
import { useParts } from '../../platform/testing.ts';
import { assemble } from '../../platform/lifecycle.ts';
import { sellers } from '../../fixtures/organizations.ts';
import { createCertificateAuthority } from '../../platform/tls/ca.ts';
import { PaymentServiceControlClient } from './control-client.ts';
import { startPaymentServiceSimulator } from './server.ts';
import { fetchErrorCode, startTestPostgres } from './test-support.ts';
import { request as httpsRequest } from 'node:https';

const parts = useParts(
  assemble()
    .with('postgres', startTestPostgres)
    .value('ca', () => createCertificateAuthority())
    .with('simulator', ({ postgres, ca }) =>
      startPaymentServiceSimulator({ databaseUrl: postgres.server.url, tls: { ca } }),
    )
    .value('control', ({ simulator }) => new PaymentServiceControlClient(simulator.controlUrl)),
);
const seller = sellers[0]!;
const configPath = `/api/payment/config?shop_id=${seller.shopId}`;

beforeEach(async () => {
  await parts.control.reset();
});

const getConfig = (init: RequestInit = {}) => fetch(`${parts.simulator.url}${configPath}`, init);

/** GET over the TLS listener, trusting the harness CA, sending SNI like curl through the proxy does. */
function tlsGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port: parts.simulator.tlsPort,
        path,
        ca: parts.ca.certPem,
        servername: 'payment-service.up.railway.app',
        agent: false,
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const lastJournalEntry = async () => (await parts.control.requests()).at(-1);

describe('faults, per route, at run time', () => {
  it('down: connection refused on every listener while installed, back after DELETE', async () => {
    const id = await parts.control.addFault({ fault: { kind: 'down' } });
    expect(await fetchErrorCode(getConfig())).toBe('ECONNREFUSED');
    await expect(tlsGet('/api/health')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect((await parts.control.state()).up).toBe(false);
    await parts.control.removeFaults(id);
    expect((await getConfig()).status).toBe(200);
    expect((await tlsGet('/api/health')).status).toBe(200);
  });

  it('down on one route: that route resets, the others answer', async () => {
    await parts.control.addFault({
      match: { method: 'GET', path: '/api/payment/config' },
      fault: { kind: 'down' },
    });
    expect(await fetchErrorCode(getConfig())).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
    expect((await fetch(`${parts.simulator.url}/api/health`)).status).toBe(200);
  });

  it('blackhole: accepted, never answered; the client timeout fires and the journal says so', async () => {
    await parts.control.addFault({
      match: { method: 'GET', path: '/api/payment/*' },
      fault: { kind: 'blackhole' },
    });
    const started = Date.now();
    const error = await getConfig({ signal: AbortSignal.timeout(300) }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(2_000);
    await parts.control.removeFaults();
    await expect.poll(lastJournalEntry).toMatchObject({ fault: 'blackhole', status: 0 });
  });

  it('latency: fixed, then seeded jitter added on top', async () => {
    await parts.control.addFault({
      match: { path: configPath.split('?')[0] },
      fault: { kind: 'latency', ms: 300 },
    });
    let started = performance.now();
    expect((await getConfig()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    await parts.control.removeFaults();
    await parts.control.addFault({
      fault: { kind: 'latency', ms: 50, jitterMs: 100, distribution: 'normal' },
      seed: 7,
    });
    started = performance.now();
    expect((await getConfig()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(await lastJournalEntry()).toMatchObject({ fault: 'latency', status: 200 });
  });

  it('http-status: the given status and body, for `times` requests only', async () => {
    await parts.control.addFault({
      match: { method: 'GET', path: '/api/payment/config' },
      fault: { kind: 'http-status', status: 503, body: { detail: 'Service Unavailable' } },
      times: 1,
    });
    const first = await getConfig();
    expect(first.status).toBe(503);
    expect(await first.json()).toEqual({ detail: 'Service Unavailable' });
    expect((await getConfig()).status).toBe(200);
    expect(await parts.control.faults()).toEqual([]);
  });

  it('http-status without a body: FastAPI\'s {"detail": reason}', async () => {
    await parts.control.addFault({ fault: { kind: 'http-status', status: 504 } });
    const response = await getConfig();
    expect(response.status).toBe(504);
    expect(await response.json()).toEqual({ detail: 'Gateway Timeout' });
  });

  it('http-status with a string body: a load balancer page, as text', async () => {
    await parts.control.addFault({
      fault: { kind: 'http-status', status: 502, body: '<html>Bad Gateway</html>' },
    });
    const response = await getConfig();
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toBe('<html>Bad Gateway</html>');
  });

  it('invalid-json: status 200, a body JSON cannot parse (Python repr of the config)', async () => {
    await parts.control.addFault({ match: { path: '/api/payment/config' }, fault: { kind: 'invalid-json' } });
    const response = await getConfig();
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(() => JSON.parse(text) as unknown).toThrow();
    expect(text).toContain(`'organization_bin': '${seller.bin}'`);
    expect(text).toContain("'is_active': True");
  });

  it('reset, empty-reply, garbage: the connection breaks below HTTP, once each', async () => {
    await parts.control.addFault({
      match: { path: '/api/payment/config' },
      fault: { kind: 'reset' },
      times: 1,
    });
    expect(await fetchErrorCode(getConfig())).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
    await expect.poll(lastJournalEntry).toMatchObject({ fault: 'reset', status: 0 });
    await parts.control.addFault({ fault: { kind: 'empty-reply' }, times: 1 });
    expect(await fetchErrorCode(getConfig())).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
    await parts.control.addFault({ fault: { kind: 'garbage', bytes: 32 }, seed: 1, times: 1 });
    expect(await fetchErrorCode(getConfig())).toMatch(/HPE_|UND_ERR|ECONNRESET/);
    expect((await getConfig()).status).toBe(200);
    expect(await parts.control.faults()).toEqual([]);
  });

  it('truncated: full content-length announced, half the body sent, connection closed', async () => {
    await parts.control.addFault({ match: { path: '/api/payment/config' }, fault: { kind: 'truncated' } });
    const error = await getConfig()
      .then((response) => response.text())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    await expect.poll(lastJournalEntry).toMatchObject({ fault: 'truncated', status: 200 });
  });

  it('missing-field: a valid body without the named field', async () => {
    await parts.control.addFault({
      match: { method: 'GET', path: '/api/payment/config' },
      fault: { kind: 'missing-field', field: 'is_active' },
    });
    const body = (await (await getConfig()).json()) as Record<string, unknown>;
    expect(body).toEqual({
      shop_id: seller.shopId,
      organization_bin: seller.bin,
      device_token: seller.deviceToken,
      provider: 'kaspi',
    });
  });

  it('stale-config: one shop is served a wrong BIN and token; the others are untouched', async () => {
    const other = sellers[1]!;
    await parts.control.addFault({
      fault: { kind: 'stale-config', shopId: seller.shopId, organizationBin: other.bin, deviceToken: null },
    });
    expect(await (await getConfig()).json()).toMatchObject({
      organization_bin: other.bin,
      device_token: null,
    });
    const untouched = await fetch(`${parts.simulator.url}/api/payment/config?shop_id=${other.shopId}`);
    expect(await untouched.json()).toMatchObject({
      organization_bin: other.bin,
      device_token: other.deviceToken,
    });
    // The database still holds the truth.
    expect((await parts.control.configs()).find((c) => c.shop_id === seller.shopId)?.organization_bin).toBe(
      seller.bin,
    );
  });

  it('wrong-shop: config lookups answer with the full stored row of another shop', async () => {
    const other = sellers[1]!;
    await parts.control.addFault({ fault: { kind: 'wrong-shop', shopId: other.shopId } });
    const otherRow = {
      shop_id: other.shopId,
      organization_bin: other.bin,
      device_token: other.deviceToken,
      is_active: true,
    };
    expect(await (await getConfig()).json()).toMatchObject(otherRow);
    expect(await lastJournalEntry()).toMatchObject({ fault: 'wrong-shop', status: 200 });
    await parts.control.setProfile('deployed');
    const deployed = await fetch(`${parts.simulator.url}/admin/configs/${seller.shopId}`);
    expect(deployed.status).toBe(200);
    expect(await deployed.json()).toMatchObject(otherRow);
    // The database still holds the truth, and the fault goes with DELETE.
    expect((await parts.control.configs()).find((c) => c.shop_id === seller.shopId)?.organization_bin).toBe(
      seller.bin,
    );
    await parts.control.removeFaults();
    const own = await fetch(`${parts.simulator.url}/admin/configs/${seller.shopId}`);
    expect(await own.json()).toMatchObject({ shop_id: seller.shopId, organization_bin: seller.bin });
  });

  it('probability: a seeded share of requests fail, the same ones for the same seed', async () => {
    const run = async (): Promise<number[]> => {
      await parts.control.removeFaults();
      await parts.control.addFault({
        fault: { kind: 'http-status', status: 500 },
        probability: 0.5,
        seed: 42,
      });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i += 1)
        statuses.push((await fetch(`${parts.simulator.url}/api/health`)).status);
      return statuses;
    };
    const first = await run();
    const failures = first.filter((status) => status === 500).length;
    expect(failures).toBeGreaterThan(3);
    expect(failures).toBeLessThan(17);
    expect(await run()).toEqual(first);
    expect((await parts.control.requests()).some((r) => r.fault === 'http-status')).toBe(true);
  });

  it('tls-failure: the HTTPS listener presents a foreign certificate until the fault is spent', async () => {
    expect(await tlsGet('/api/health')).toEqual({ status: 200, body: '{"status":"ok"}' });
    await parts.control.addFault({ fault: { kind: 'tls-failure' }, times: 1 });
    await expect(tlsGet('/api/health')).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    await expect.poll(() => parts.control.faults()).toEqual([]);
    expect((await tlsGet('/api/health')).status).toBe(200);
  });

  it('refuses what it cannot do, with the reason', async () => {
    await expect(
      parts.control.addFault({ match: { path: '/api/health' }, fault: { kind: 'tls-failure' } }),
    ).rejects.toThrow(/before any route is known/);
    await expect(parts.control.addFault({ fault: { kind: 'down' }, times: 2 })).rejects.toThrow(
      /cannot be counted/,
    );
    await expect(parts.control.addFault({ fault: { kind: 'down' }, probability: 0.5 })).rejects.toThrow(
      /cannot be drawn/,
    );
    await expect(parts.control.addFault({ fault: { kind: 'slow', ms: 5 } } as never)).rejects.toMatchObject({
      httpStatus: 400,
      reason: 'fault.kind: fault kind "slow" is now "latency"',
    });
    await expect(
      fetch(`${parts.simulator.controlUrl}/control/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"fault":{"kind":"nope"}}',
      }).then((r) => r.status),
    ).resolves.toBe(400);
  });

  it('the TLS certificate names the Railway host and 127.0.0.1', async () => {
    expect(parts.simulator.tlsUrl).toBe(`https://127.0.0.1:${parts.simulator.tlsPort}`);
    expect((await tlsGet(configPath)).status).toBe(200);
  });
});
