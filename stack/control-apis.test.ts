/**
 * Every control API refuses what a browser page of another origin could have sent — a foreign Host
 * (DNS rebinding), a foreign or `null` Origin, a cross-site fetch, a write that is not JSON — with 403
 * and a one-line reason in the control APIs' one error shape (`{ error: { code: 'forbidden', message } }`),
 * and does nothing; requests a program sends
 * (the typed clients) go through. Over real HTTP against the Kaspi simulator's, the payment-service
 * simulator's and the harness's control APIs and the egress proxy's record.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { useParts } from '../platform/testing.ts';
import { assemble } from '../platform/lifecycle.ts';
import { KaspiControlClient } from '../simulator/kaspi/control-client.ts';
import { startKaspiSimulator } from '../simulator/kaspi/server.ts';
import { PaymentServiceControlClient } from '../simulator/payment-service/control-client.ts';
import { startPaymentServiceSimulator } from '../simulator/payment-service/server.ts';
import { startTestPostgres } from '../simulator/payment-service/test-support.ts';
import { configuredControlHosts, controlRefusal } from '../platform/control-guard.ts';
import { egressControl } from '../platform/egress/control-client.ts';
import { startEgressProxy } from '../platform/egress/proxy.ts';
import { startWebhookSink } from '../platform/egress/sink.ts';
import { sendRaw } from '../platform/http/test-support.ts';
import { clientCertHeader } from '../platform/egress/terminate.ts';
import { startHarnessControl } from './harness-control.ts';

/** A raw request: fetch() would not let a test set Host, Origin or Sec-Fetch-Site. */
async function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
) {
  const answer = await sendRaw(base, method, path, body, headers, 5_000);
  return { status: answer.status, body: answer.body, allow: answer.headers.allow };
}

const json = { 'content-type': 'application/json' };

/** What a page could make a browser send, each with the part of the reason that names it. */
function forgeries(hostOf: string): { name: string; headers: Record<string, string>; reason: RegExp }[] {
  return [
    {
      name: 'a DNS-rebinding page (its own host name)',
      headers: { host: `rebind.attacker.example:${new URL(hostOf).port}`, ...json },
      reason: /Host "rebind\.attacker\.example:\d+" is not a loopback name/,
    },
    {
      name: 'a page of another origin, JSON after a preflight it would not get',
      headers: { origin: 'https://attacker.example', ...json },
      reason: /Origin "https:\/\/attacker\.example" is not this API's own/,
    },
    {
      name: 'a page on another loopback port (same site, other origin)',
      headers: { origin: 'http://127.0.0.1:1', 'sec-fetch-site': 'same-site', ...json },
      reason: /Origin "http:\/\/127\.0\.0\.1:1" is not this API's own/,
    },
    {
      name: 'a sandboxed or file:// page',
      headers: { origin: 'null', ...json },
      reason: /Origin "null"/,
    },
    {
      name: 'a cross-site request that sends no Origin',
      headers: { 'sec-fetch-site': 'cross-site', ...json },
      reason: /cross-site request from a browser page/,
    },
    {
      name: 'a form post or no-cors fetch (text/plain, no preflight)',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      reason: /needs Content-Type: application\/json \(got "text\/plain"\)/,
    },
    {
      name: 'a write without a body or content type',
      headers: {},
      reason: /needs Content-Type: application\/json \(got none\)/,
    },
  ];
}

describe('controlRefusal', () => {
  const ask = (method: string, headers: Record<string, string>) =>
    controlRefusal({ method, headers } as unknown as Parameters<typeof controlRefusal>[0]);

  it('lets programs in: loopback hosts, their own origin, JSON writes, reads with any content type', () => {
    for (const host of ['127.0.0.1:9545', 'localhost:9545', '[::1]:9545', '127.0.0.2', 'LOCALHOST']) {
      expect(ask('POST', { host, ...json }), host).toBeUndefined();
    }
    expect(ask('POST', { host: '127.0.0.1:9545', origin: 'http://127.0.0.1:9545', ...json })).toBeUndefined();
    expect(ask('POST', { host: 'localhost', origin: 'http://localhost:80', ...json })).toBeUndefined();
    expect(
      ask('DELETE', { host: '127.0.0.1:1', 'content-type': 'application/json; charset=utf-8' }),
    ).toBeUndefined();
    expect(ask('GET', { host: '127.0.0.1:1' })).toBeUndefined();
    expect(ask('GET', { host: '127.0.0.1:1', 'sec-fetch-site': 'cross-site' })).toBeUndefined();
    // HTTP/1.0 without a Host comes from a program: a browser always sends one.
    expect(ask('GET', {})).toBeUndefined();
  });

  it('keeps pages of other origins out, reads included when they name themselves', () => {
    expect(ask('GET', { host: 'attacker.example:9545' })).toMatch(/is not a loopback name/);
    expect(ask('GET', { host: '0.0.0.0:9545' })).toMatch(/is not a loopback name/);
    expect(ask('GET', { host: '127.0.0.1.attacker.example' })).toMatch(/is not a loopback name/);
    expect(ask('GET', { host: '127.0.0.1:9545', origin: 'http://127.0.0.1:9546' })).toMatch(
      /not this API's own/,
    );
    expect(ask('GET', { host: '127.0.0.1:9545', origin: 'https://127.0.0.1:9545' })).toMatch(
      /not this API's own/,
    );
    expect(
      ask('POST', { host: '127.0.0.1:9545', 'content-type': 'application/x-www-form-urlencoded' }),
    ).toMatch(/needs Content-Type: application\/json/);
    expect(
      ask('POST', { host: '127.0.0.1:9545', 'content-type': 'multipart/form-data; boundary=x' }),
    ).toMatch(/needs Content-Type/);
    expect(ask('PUT', { host: '127.0.0.1:9545', 'content-type': 'application/jsonp' })).toMatch(
      /needs Content-Type/,
    );
  });

  it('takes more host names from the configuration, and nothing else', () => {
    expect(configuredControlHosts({ KASPI_HARNESS_CONTROL_HOSTS: ' Harness.Internal, ,kh.lan ' })).toEqual([
      'harness.internal',
      'kh.lan',
    ]);
    expect(
      controlRefusal({ method: 'GET', headers: { host: 'harness.internal:9545' } } as never, {
        hosts: ['harness.internal'],
      }),
    ).toBeUndefined();
    expect(ask('GET', { host: 'harness.internal:9545' })).toMatch(/is not a loopback name/);
  });

  it('says why in one line', () => {
    const reason = ask('POST', { host: `evil\n${'x'.repeat(500)}`, ...json });
    expect(reason).toBeDefined();
    expect(reason!.includes('\n')).toBe(false);
    expect(reason!.length).toBeLessThan(300);
  });
});

let harnessRuns = 0;
const parts = useParts(
  assemble()
    .with('postgres', startTestPostgres)
    .with('kaspi', () => startKaspiSimulator({ tls: false }))
    .with('paymentService', ({ postgres }) =>
      startPaymentServiceSimulator({ databaseUrl: postgres.server.url }),
    )
    .with('harness', () =>
      startHarnessControl({
        'POST /runbook': async () => {
          harnessRuns += 1;
          return { ran: harnessRuns };
        },
      }),
    )
    .with('egress', () => startEgressProxy())
    .with('sink', () => startWebhookSink()),
);

/** A webhook the site sent, so that clearing the sink's record shows. */
const deliver = () => fetch(`${parts.sink.url}/hooks/kaspi`, { method: 'POST', body: '{"paid":true}' });

interface ControlApi {
  name: string;
  base: () => string;
  /** A write that changes something visible to `observe`. */
  write: { method: string; path: string; body?: string };
  /** A path of the API that takes other methods than the write's. */
  readOnly: { path: string; allow: string };
  observe(): Promise<unknown>;
}

/** The reason of a 403, in the one error shape every control API answers with. */
const reasonOf = (body: unknown): string | undefined =>
  (body as { error?: { code?: string; message?: string } }).error?.code === 'forbidden'
    ? (body as { error: { message: string } }).error.message
    : undefined;

const apis: ControlApi[] = [
  {
    name: 'Kaspi simulator control API',
    base: () => parts.kaspi.controlUrl,
    write: { method: 'POST', path: '/control/faults', body: JSON.stringify({ fault: { kind: 'reset' } }) },
    readOnly: { path: '/control/ledger', allow: 'GET' },
    observe: async () => (await new KaspiControlClient(parts.kaspi.controlUrl).faults()).length,
  },
  {
    name: 'payment-service simulator control API',
    base: () => parts.paymentService.controlUrl,
    write: { method: 'POST', path: '/control/down' },
    readOnly: { path: '/control/state', allow: 'GET' },
    observe: async () => (await new PaymentServiceControlClient(parts.paymentService.controlUrl).state()).up,
  },
  {
    name: 'harness control API',
    base: () => parts.harness.url,
    write: { method: 'POST', path: '/runbook' },
    readOnly: { path: '/runbook', allow: 'POST' },
    observe: async () => harnessRuns,
  },
  {
    name: "egress proxy's record",
    base: () => parts.egress.url,
    write: { method: 'DELETE', path: '/__egress/unexpected' },
    readOnly: { path: '/__egress/scenario', allow: 'PUT' },
    observe: async () => (await egressControl(parts.egress.url).unexpected()).length,
  },
  {
    name: "webhook sink's record",
    base: () => parts.sink.url,
    write: { method: 'DELETE', path: '/__sink/received' },
    readOnly: { path: '/__sink/received', allow: 'GET, DELETE' },
    observe: async () => parts.sink.received().length,
  },
];

it("keeps the webhook sink's record from what came through the egress proxy (PHP's requests)", async () => {
  await deliver();
  const before = parts.sink.received().length;
  const host = new URL(parts.sink.url).host;
  const forwarded = await send(parts.sink.url, 'DELETE', '/__sink/received', {
    host,
    [clientCertHeader]: '',
    ...json,
  });
  expect(forwarded).toEqual({
    status: 403,
    body: {
      error: { code: 'forbidden', message: 'the webhook record is not served through the egress proxy' },
    },
  });
  expect(parts.sink.received().length).toBe(before);
});

describe.each(apis)('the $name', (api) => {
  it.each(forgeries('http://127.0.0.1:9545').map((f) => [f.name, f] as const))(
    'refuses %s with 403 and the reason, and does nothing',
    async (_name, forgery) => {
      parts.egress.record({ host: 'leftover.invalid', port: 443, method: 'CONNECT' });
      await deliver();
      const before = await api.observe();
      const answer = await send(
        api.base(),
        api.write.method,
        api.write.path,
        forgery.headers,
        api.write.body,
      );
      expect(answer.status).toBe(403);
      const reason = reasonOf(answer.body);
      expect(reason).toMatch(forgery.reason);
      expect(reason).not.toContain('\n');
      expect(await api.observe()).toEqual(before);
    },
  );

  it('answers an unknown path, another method and bad JSON in the one error shape', async () => {
    const host = new URL(api.base()).host;
    const unknown = await send(api.base(), 'GET', `${api.write.path}/nothing/here`, { host });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    const method = api.readOnly.allow.includes('GET') ? 'PATCH' : 'GET';
    const other = await send(api.base(), method, api.readOnly.path, { host, ...json });
    expect(other).toMatchObject({ status: 405, body: { error: { code: 'method_not_allowed' } } });
    expect(other.allow).toBe(api.readOnly.allow);
    if (api.write.body !== undefined) {
      const bad = await send(api.base(), api.write.method, api.write.path, { host, ...json }, '{"fault":');
      expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid_json' } } });
    }
  });

  it('serves the same write from a program, and reads from its own origin', async () => {
    parts.egress.record({ host: 'leftover.invalid', port: 443, method: 'CONNECT' });
    await deliver();
    const before = await api.observe();
    const host = new URL(api.base()).host;
    const answer = await send(
      api.base(),
      api.write.method,
      api.write.path,
      { host, origin: `http://${host}`, ...json },
      api.write.body,
    );
    expect(answer.status).toBeLessThan(300);
    expect(await api.observe()).not.toEqual(before);
  });
});

afterAll(async () => {
  // The payment-service was switched down by the write above; leave it as the other tests found it.
  await new PaymentServiceControlClient(parts.paymentService.controlUrl).up().catch(() => undefined);
});
