import { connect, type DetailedPeerCertificate } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { useParts } from '../../platform/testing.ts';
import { assemble } from '../../platform/lifecycle.ts';
import {
  createCertificateAuthority,
  createRunAuthorities,
  issueClientCertificate,
  type IssuedCertificate,
} from '../../platform/tls/ca.ts';
import { clientCertificateHeader } from './auth.ts';
import { KaspiControlClient } from './control-client.ts';
import { startKaspiSimulator } from './server.ts';
import { sellerAt } from './test-helpers.ts';
import { tlsClient, type TlsCall } from './tls-test-client.ts';

const org = sellerAt(0);
const parts = useParts(
  assemble()
    .value('authorities', () => createRunAuthorities())
    .with('sim', ({ authorities }) => startKaspiSimulator({ authorities }))
    .value('partner', ({ sim }) => sim.issueClientCertificate('partner-marketplace'))
    .value('stranger', async () =>
      issueClientCertificate(await createCertificateAuthority(), 'partner-marketplace'),
    )
    .value('fromServerCa', ({ authorities }) =>
      issueClientCertificate(authorities.server, 'partner-marketplace'),
    ),
);

const r3 = (cert?: IssuedCertificate, headers?: Record<string, string>): TlsCall =>
  tlsClient({
    baseUrl: parts.sim.listeners.r3,
    caPem: parts.sim.ca.certPem,
    clientCertificate: cert,
    headers,
  });
const qrBody = { DeviceToken: org.deviceToken, Amount: 100, OrganizationBin: org.bin };

describe('listeners', () => {
  it('keeps the plain listener as url and opens one TLS listener per scheme', () => {
    expect(parts.sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(parts.sim.listeners.plain).toBe(parts.sim.url);
    for (const scheme of ['r1', 'r2', 'r3'] as const) {
      expect(parts.sim.listeners[scheme]).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    }
  });
});

describe('mutual TLS on r2 and r3', () => {
  it('answers -10000 over TLS when no client certificate is sent', async () => {
    const answer = await r3()('POST', '/r3/v01/qr/create', qrBody);
    expect(answer).toEqual({
      httpStatus: 200,
      body: { StatusCode: -10000, Message: 'No client certificate' },
    });
    const r2 = tlsClient({ baseUrl: parts.sim.listeners.r2, caPem: parts.sim.ca.certPem });
    expect((await r2('GET', '/r2/v01/partner/tradepoints')).body.StatusCode).toBe(-10000);
  });

  it('serves a client certificate signed by the CA, under the Kaspi hostnames', async () => {
    for (const servername of ['mtokentest.kaspi.kz', 'qrapi-cert-ip.kaspi.kz', 'localhost']) {
      const call = tlsClient({
        baseUrl: parts.sim.listeners.r3,
        caPem: parts.sim.ca.certPem,
        clientCertificate: parts.partner,
        servername,
      });
      const answer = await call('POST', '/r3/v01/qr/create', qrBody);
      expect(answer.body.StatusCode).toBe(0);
    }
  });

  it('refuses a certificate from another CA with -10000', async () => {
    const answer = await r3(parts.stranger)('POST', '/r3/v01/qr/create', qrBody);
    expect(answer.body).toEqual({ StatusCode: -10000, Message: 'Client certificate is not trusted' });
  });

  it('refuses a certificate from the CA behind its own server certificate: only Kaspi issues partners', async () => {
    const answer = await r3(parts.fromServerCa)('POST', '/r3/v01/qr/create', qrBody);
    expect(answer.body).toEqual({ StatusCode: -10000, Message: 'Client certificate is not trusted' });
  });

  it('sends its own certificate alone in the handshake, not the CA the client already trusts', async () => {
    for (const scheme of ['r1', 'r2', 'r3'] as const) {
      // No CA on this side, so the chain below is what the listener sent and nothing the client added.
      const socket = connect({
        host: '127.0.0.1',
        port: Number(new URL(parts.sim.listeners[scheme]).port),
        servername: 'qrapi-cert-ip.kaspi.kz',
        rejectUnauthorized: false,
        cert: parts.partner.certPem,
        key: parts.partner.keyPem,
      });
      const sent = await new Promise<DetailedPeerCertificate>((resolve, reject) => {
        socket.once('secureConnect', () => resolve(socket.getPeerCertificate(true)));
        socket.once('error', reject);
      }).finally(() => socket.destroy());
      expect(sent.subject.CN, scheme).toBe('mtokentest.kaspi.kz');
      expect(sent.issuerCertificate, scheme).toBeUndefined();
    }
  });

  it('ignores a client that claims a certificate through the internal header', async () => {
    const answer = await r3(undefined, { [clientCertificateHeader]: 'verified' })(
      'GET',
      '/r3/v01/health/ping',
    );
    expect(answer.body.StatusCode).toBe(-10000);
  });

  it('does not let a client trust the server without the CA', async () => {
    const noCa = tlsClient({ baseUrl: parts.sim.listeners.r3, caPem: '', clientCertificate: parts.partner });
    await expect(noCa('GET', '/r3/v01/health/ping')).rejects.toThrow();
  });
});

describe('r1 Api-Key', () => {
  const r1 = (headers: Record<string, string>) =>
    tlsClient({ baseUrl: parts.sim.listeners.r1, caPem: parts.sim.ca.certPem, headers });

  it('answers -10000 without a key, with a production key or an empty test key', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { 'Api-Key': 'prod_abcdef' },
      { 'Api-Key': 'test_' },
      { 'Api-Key': 'abc' },
    ]) {
      const answer = await r1(headers)('GET', '/r1/v01/partner/tradepoints');
      expect(answer.httpStatus).toBe(200);
      expect(answer.body.StatusCode).toBe(-10000);
    }
  });

  it('serves a test_ key', async () => {
    const answer = await r1({ 'Api-Key': 'test_harness-key' })('POST', '/r1/v01/qr/create', {
      DeviceToken: org.deviceToken,
      Amount: 10,
    });
    expect(answer.body.StatusCode).toBe(0);
  });
});

describe('scheme differences', () => {
  it.each([
    ['r3', 'POST', '/r2/v01/qr/create'],
    ['r3', 'POST', '/r3/v01/return/create'],
    ['r3', 'GET', '/r3/v01/partner/tradepoints'],
    ['r2', 'GET', `/r2/v01/partner/tradepoints/${org.bin}`],
    ['r2', 'POST', '/r2/v01/remote/create'],
    ['r1', 'GET', '/r1/v01/payment/details?QrPaymentId=1&DeviceToken=x'],
    ['r1', 'POST', '/r1/v01/payment/return'],
  ] as const)('%s listener: %s %s is an unmatched route', async (scheme, method, path) => {
    const call = tlsClient({
      baseUrl: parts.sim.listeners[scheme],
      caPem: parts.sim.ca.certPem,
      clientCertificate: parts.partner,
      headers: { 'Api-Key': 'test_key' },
    });
    const answer = await call(method, path, method === 'POST' ? {} : undefined);
    expect(answer.httpStatus).toBe(404);
    expect(answer.body.StatusCode).toBe(-999);
  });

  it('serves the test emulators on the scheme listeners', async () => {
    const created = await r3(parts.partner)('POST', '/r3/v01/qr/create', qrBody);
    const id = (created.body.Data as { QrPaymentId: number }).QrPaymentId;
    expect((await r3(parts.partner)('POST', '/test/payment/scan', { qrPaymentId: String(id) })).body).toEqual(
      {
        StatusCode: 0,
        message: 'Payment scanned',
      },
    );
  });

  it("asks the emulators for the listener's own authentication, as Kaspi's test host does", async () => {
    const control = new KaspiControlClient(parts.sim.controlUrl);
    const created = await r3(parts.partner)('POST', '/r3/v01/qr/create', qrBody);
    const id = String((created.body.Data as { QrPaymentId: number }).QrPaymentId);
    const r2 = (cert?: IssuedCertificate) =>
      tlsClient({ baseUrl: parts.sim.listeners.r2, caPem: parts.sim.ca.certPem, clientCertificate: cert });
    const r1 = (headers: Record<string, string>) =>
      tlsClient({ baseUrl: parts.sim.listeners.r1, caPem: parts.sim.ca.certPem, headers });
    const refused = [
      await r3()('POST', '/test/payment/scan', { qrPaymentId: id }),
      await r3(parts.stranger)('POST', '/test/payment/confirm', { qrPaymentId: id }),
      await r2()('POST', '/test/payment/scan', { qrPaymentId: id }),
      await r1({})('POST', '/test/payment/scan', { qrPaymentId: id }),
      await r1({ 'Api-Key': 'prod_key' })('POST', '/test/payment/scanerror', { qrPaymentId: id }),
      await r3()('POST', '/test/return/scan', { qrReturnId: '1' }),
    ];
    for (const answer of refused) {
      expect(answer.httpStatus).toBe(200);
      expect(answer.body.StatusCode).toBe(-10000);
    }
    // None of them moved the purchase.
    expect((await control.purchase(Number(id)))?.status).toBe('QrTokenCreated');
    // With what the scheme asks for, each listener serves them; the plain listener asks nothing.
    expect(
      (await r1({ 'Api-Key': 'test_key' })('POST', '/test/payment/scan', { qrPaymentId: id })).body,
    ).toEqual({
      StatusCode: 0,
      message: 'Payment scanned',
    });
    expect(
      (await r2(parts.partner)('POST', '/test/payment/confirm', { qrPaymentId: id })).body.StatusCode,
    ).toBe(0);
    expect((await control.purchase(Number(id)))?.status).toBe('Processed');
    const plain = await fetch(`${parts.sim.url}/test/payment/scan`, {
      method: 'POST',
      body: JSON.stringify({ qrPaymentId: '1' }),
    });
    expect(((await plain.json()) as { StatusCode: number }).StatusCode).not.toBe(-10000);
  });

  it('a reset fault resets the TCP connection under the TLS session: the client sees ECONNRESET', async () => {
    const control = new KaspiControlClient(parts.sim.controlUrl);
    await control.addFault({
      match: { scheme: 'r3', path: 'qr/create' },
      fault: { kind: 'reset' },
      times: 1,
    });
    try {
      await expect(r3(parts.partner)('POST', '/r3/v01/qr/create', qrBody)).rejects.toMatchObject({
        code: 'ECONNRESET',
      });
    } finally {
      await control.removeFaults();
    }
  });

  it('journals TLS requests like plain ones', async () => {
    await r3()('POST', '/r3/v01/qr/create', qrBody);
    const entry = parts.sim.journal.entries({ path: '/r3/v01/qr/create' }).at(-1);
    expect(entry).toMatchObject({ scheme: 'r3', statusCode: -10000, organizationBin: org.bin });
  });
});

describe('plain HTTP scheme listeners (tls: false)', () => {
  it('serves per-scheme paths over HTTP, still checking r1 keys', async () => {
    await using plain = await startKaspiSimulator({ tls: false });
    expect(plain.listeners.r3).toMatch(/^http:\/\//);
    const ping = await fetch(`${plain.listeners.r3}/r3/v01/health/ping`);
    expect(await ping.json()).toEqual({ StatusCode: 0, Message: 'OK' });
    const r1 = await fetch(`${plain.listeners.r1}/r1/v01/health/ping`);
    expect(((await r1.json()) as { StatusCode: number }).StatusCode).toBe(-10000);
  });
});
