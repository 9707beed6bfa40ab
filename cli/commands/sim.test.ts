/**
 * `sim payment-service` serving the deployed contract, whose payment routes call a Kaspi (its own, or
 * the one of --kaspi-url), and `sim kaspi --client-cert-out`, whose files let a tester through the
 * mutual-TLS schemes — each run as a tester runs it, in a process of its own.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sellers } from '../../fixtures/organizations.ts';
import { KaspiControlClient, startKaspiSimulator } from '../../simulator/kaspi/index.ts';
import { startSimProcess, type SimProcess } from '../../simulator/shared/hostile/sim-process.ts';

const seller = sellers[2]!;
const running: SimProcess[] = [];
const temp = mkdtempSync(join(tmpdir(), 'kaspi-harness-sim-'));
afterAll(async () => {
  await Promise.all(running.map((sim) => sim.stop()));
  rmSync(temp, { recursive: true, force: true });
});

async function sim(args: string[]): Promise<SimProcess> {
  const process = await startSimProcess(args);
  running.push(process);
  return process;
}

/** The deployed service's create-link for the seller: what the storefront's payment link calls. */
async function createLink(serviceUrl: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${serviceUrl}/payments/kaspi/create-link`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ shop_id: seller.shopId, amount: 2500, message: 'order 7' }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('sim payment-service --payment-service-contract deployed', () => {
  it('without --kaspi-url: its payment routes pay the seller through a Kaspi simulator it started', async () => {
    const service = await sim(['payment-service', '--payment-service-contract', 'deployed']);
    const { url, kaspiUrl, kaspiControlUrl } = service.ready as Record<string, string>;
    expect(kaspiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const answer = await createLink(url!);
    expect(answer).toMatchObject({
      status: 200,
      body: { success: true, organization_bin: seller.bin, error: null },
    });
    const purchase = await new KaspiControlClient(kaspiControlUrl!).purchase(Number(answer.body.payment_id));
    expect(purchase).toMatchObject({ organizationBin: seller.bin, amount: 2500 });
  });

  it('with --kaspi-url: the same route calls that Kaspi, and no other is started', async () => {
    const kaspi = await startKaspiSimulator({ tls: false });
    try {
      const service = await sim([
        'payment-service',
        '--payment-service-contract',
        'deployed',
        '--kaspi-url',
        kaspi.url,
      ]);
      expect(service.ready).toMatchObject({ kaspiUrl: kaspi.url });
      expect(service.ready).not.toHaveProperty('kaspiControlUrl');
      const answer = await createLink(service.ready.url as string);
      expect(answer).toMatchObject({ status: 200, body: { success: true, organization_bin: seller.bin } });
      const purchase = await new KaspiControlClient(kaspi.controlUrl).purchase(
        Number(answer.body.payment_id),
      );
      expect(purchase).toMatchObject({ organizationBin: seller.bin, amount: 2500 });
    } finally {
      await kaspi.stop();
    }
  });
});

/** A request as curl --cacert/--cert/--key makes it: Node's https with those files, by IP. */
function ping(baseUrl: string, path: string, files: { ca: string; cert?: string; key?: string }) {
  const base = new URL(baseUrl);
  return new Promise<Record<string, unknown>>((resolve, reject) => {
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        path,
        method: 'GET',
        headers: { 'x-request-id': crypto.randomUUID() },
        ca: readFileSync(files.ca),
        ...(files.cert ? { cert: readFileSync(files.cert), key: readFileSync(files.key!) } : {}),
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve(JSON.parse(text) as Record<string, unknown>));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('sim kaspi --client-cert-out DIR', () => {
  it('writes a client certificate, its key and the CA that get a tester through r2 and r3', async () => {
    const dir = join(temp, 'certs');
    const kaspi = await sim(['kaspi', '--client-cert-out', dir]);
    const { r2, r3, clientCert, clientKey, ca } = kaspi.ready as Record<string, string>;
    expect([clientCert, clientKey, ca]).toEqual(
      ['client-cert.pem', 'client-key.pem', 'ca.pem'].map((name) => join(dir, name)),
    );
    expect(statSync(clientKey!).mode & 0o777).toBe(0o600);
    const files = { ca: ca!, cert: clientCert!, key: clientKey! };
    expect(await ping(r3!, '/r3/v01/health/ping', files)).toMatchObject({ StatusCode: 0 });
    expect(await ping(r2!, '/r2/v01/health/ping', files)).toMatchObject({ StatusCode: 0 });
    // The certificate is what lets it through: without it, Kaspi's "no client certificate".
    expect(await ping(r3!, '/r3/v01/health/ping', { ca: ca! })).toMatchObject({ StatusCode: -10000 });

    await kaspi.stop();
    for (const file of Object.values(files)) expect(existsSync(file), file).toBe(false);
  });
});
