/**
 * The fast path must answer exactly like the msw handlers, which define the API: same HTTP status,
 * same JSON (random QR tokens compared by type). Two states fed the same requests, one per path.
 * On the wire, both carry the same header block, on the plain listener and the TLS ones alike.
 */
import { getResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { useParts } from '../../platform/testing.ts';
import { listenHttp } from '../../platform/http-server.ts';
import { assemble } from '../../platform/lifecycle.ts';
import { allOrganizations } from '../../fixtures/organizations.ts';
import { createFastPath } from './fast-path.ts';
import { createKaspiHandlers } from './handlers.ts';
import { Journal } from './journal.ts';
import { startKaspiSimulator } from './server.ts';
import { KaspiState } from './state.ts';
import { sellerAt, wireExchange, type WireAnswer } from './test-helpers.ts';
import { manualClock } from '../shared/clock.ts';
import { createTooling } from './tooling.ts';

const org = sellerAt(0);
const other = sellerAt(1);

function twoPaths() {
  const start = Date.UTC(2024, 4, 1, 5, 30);
  const fastState = new KaspiState({ organizations: allOrganizations, now: manualClock(start) });
  const mswState = new KaspiState({ organizations: allOrganizations, now: manualClock(start) });
  const fast = createFastPath(fastState);
  const handlers = createKaspiHandlers(mswState);
  return async (method: 'GET' | 'POST', path: string, body = '') => {
    const viaFast = fast(method, path, body);
    expect(viaFast, `fast path must serve ${method} ${path}`).toBeDefined();
    const response = await getResponse(
      handlers,
      new Request(`http://127.0.0.1${path}`, { method, body: method === 'POST' ? body : undefined }),
      { quiet: true },
    );
    expect(response).toBeDefined();
    return {
      fast: { status: viaFast!.httpStatus, body: JSON.parse(viaFast!.body) as Record<string, unknown> },
      msw: { status: response!.status, body: (await response!.json()) as Record<string, unknown> },
    };
  };
}

/** Random per-purchase values compared by type only. */
function normalize(body: Record<string, unknown>): Record<string, unknown> {
  const data = body.Data as Record<string, unknown> | undefined;
  if (!data || typeof data.QrToken !== 'string') return body;
  return { ...body, Data: { ...data, QrToken: 'string' } };
}

const creates: [string, string][] = [
  ['/r1/v01/qr/create', JSON.stringify({ DeviceToken: org.deviceToken, Amount: 1500, ExternalId: 'o-1' })],
  ['/r2/v01/qr/create', JSON.stringify({ DeviceToken: org.deviceToken, Amount: 0.1 + 0.2 })],
  [
    '/r3/v01/qr/create',
    JSON.stringify({ DeviceToken: org.deviceToken, Amount: 99.99, OrganizationBin: org.bin }),
  ],
  [
    '/r3/v01/qr/create',
    JSON.stringify({ DeviceToken: org.deviceToken, Amount: 10, OrganizationBin: other.bin }),
  ],
  ['/r3/v01/qr/create', JSON.stringify({ DeviceToken: org.deviceToken, Amount: 10 })],
  ['/r1/v01/qr/create', JSON.stringify({ DeviceToken: org.deviceToken, Amount: -1 })],
  ['/r1/v01/qr/create', JSON.stringify({ DeviceToken: org.deviceToken, Amount: '10' })],
  ['/r1/v01/qr/create', JSON.stringify({ DeviceToken: org.deviceToken, Amount: 1e12 })],
  ['/r1/v01/qr/create', JSON.stringify({ DeviceToken: 'nope', Amount: 1 })],
  ['/r1/v01/qr/create', JSON.stringify({ deviceToken: org.deviceToken, Amount: 1 })],
  ['/r1/v01/qr/create', JSON.stringify({ DeviceToken: org.deviceToken, Amount: 1, ExternalId: { x: 1 } })],
  ['/r1/v01/qr/create', '{oops'],
  ['/r1/v01/qr/create', ''],
  ['/r1/v01/qr/create', '[1]'],
  ['/r1/v01/qr/create', 'null'],
];

describe('fast path ≡ msw handlers', () => {
  it.each(creates)('POST %s %s', async (path, body) => {
    const compare = twoPaths();
    const { fast, msw } = await compare('POST', path, body);
    expect(fast.status).toBe(msw.status);
    expect(normalize(fast.body)).toEqual(normalize(msw.body));
  });

  it('payment/status: existing, unknown and malformed ids, on every scheme', async () => {
    const compare = twoPaths();
    const created = await compare('POST', '/r1/v01/qr/create', creates[0]![1]);
    const id = (created.fast.body.Data as { QrPaymentId: number }).QrPaymentId;
    expect((created.msw.body.Data as { QrPaymentId: number }).QrPaymentId).toBe(id);
    for (const path of [
      `/r1/v01/payment/status/${id}`,
      `/r2/v01/payment/status/${id}`,
      `/r3/v01/payment/status/${id}`,
      '/r1/v01/payment/status/1',
      '/r1/v01/payment/status/abc',
      '/r1/v01/payment/status/-5',
      `/r1/v01/payment/status/${'9'.repeat(30)}`,
    ]) {
      const { fast, msw } = await compare('GET', path);
      expect(fast, path).toEqual(msw);
    }
  });

  it('leaves everything else to msw', () => {
    const fast = createFastPath(new KaspiState({ organizations: allOrganizations }));
    expect(fast('POST', '/r1/v01/qr/create-link', '{}')).toBeUndefined();
    expect(fast('GET', '/r1/v01/qr/create', '')).toBeUndefined();
    expect(fast('POST', '/r1/v01/qr/create/', '{}')).toBeUndefined();
    expect(fast('GET', '/r4/v01/payment/status/1', '')).toBeUndefined();
  });
});

describe('one header block on the wire, whichever path and listener answers', () => {
  const parts = useParts(
    assemble()
      .with('sim', () => startKaspiSimulator())
      .value('certificate', ({ sim }) => sim.issueClientCertificate('header-block-test'))
      // The same handlers with the fast path switched off: every answer comes from msw.
      .with('mswOnly', () => {
        const state = new KaspiState({ organizations: allOrganizations });
        const { kaspiListener } = createTooling({
          state,
          journal: new Journal(100),
          handlers: createKaspiHandlers(state),
          openApiDocument: () => ({}),
          fastPath: false,
          urls: () => ({ kaspiUrl: '', controlUrl: '' }),
        });
        return listenHttp(kaspiListener);
      }),
  );

  /** The block with Date and Content-Length checked, then masked: the rest must match exactly. */
  function normalized(answer: WireAnswer): [string, string][] {
    return answer.headers.map(([name, value]) => {
      if (name === 'Date') {
        expect(Date.parse(value), `Date: ${value}`).not.toBeNaN();
        return [name, '<date>'];
      }
      if (name === 'Content-Length') {
        expect(Number(value), 'Content-Length is the body’s length').toBe(Buffer.byteLength(answer.body));
        return [name, '<length>'];
      }
      return [name, value];
    });
  }

  it('qr/create, payment/status, an msw-only route and an unmatched path, plain and TLS', async () => {
    const create = { DeviceToken: org.deviceToken, Amount: 150, OrganizationBin: org.bin };
    const tls = { ca: parts.sim.ca.certPem, cert: parts.certificate.certPem, key: parts.certificate.keyPem };
    const created = await wireExchange(parts.sim.url, 'POST', '/r3/v01/qr/create', create);
    const id = (JSON.parse(created.body) as { Data: { QrPaymentId: number } }).Data.QrPaymentId;
    const answers: Record<string, WireAnswer> = {
      'plain, fast path: qr/create': created,
      'msw only: qr/create': await wireExchange(parts.mswOnly.url, 'POST', '/r3/v01/qr/create', create),
      'r3 TLS, fast path: qr/create': await wireExchange(
        parts.sim.listeners.r3,
        'POST',
        '/r3/v01/qr/create',
        create,
        tls,
      ),
      'r3 TLS, fast path: payment/status': await wireExchange(
        parts.sim.listeners.r3,
        'GET',
        `/r3/v01/payment/status/${id}`,
        undefined,
        tls,
      ),
      'r3 TLS without a certificate, msw: -10000': await wireExchange(
        parts.sim.listeners.r3,
        'POST',
        '/r3/v01/qr/create',
        create,
        { ca: parts.sim.ca.certPem },
      ),
      'r1 TLS, msw: health/ping': await wireExchange(
        parts.sim.listeners.r1,
        'GET',
        '/r1/v01/health/ping',
        undefined,
        { ca: parts.sim.ca.certPem },
      ),
      'plain, adapter: unmatched path (404)': await wireExchange(parts.sim.url, 'GET', '/r9/v01/nothing'),
    };
    const expected = [
      ['Server', 'nginx'],
      ['Date', '<date>'],
      ['Content-Type', 'application/json; charset=utf-8'],
      ['Content-Length', '<length>'],
      ['Vary', 'Accept-Encoding'],
      ['Cache-Control', 'no-cache, no-store, must-revalidate'],
      ['Pragma', 'no-cache'],
      ['Expires', '0'],
      ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'],
      ['X-Content-Type-Options', 'nosniff'],
      ['X-Frame-Options', 'DENY'],
      ['Connection', 'close'],
    ];
    for (const [name, answer] of Object.entries(answers)) {
      expect(JSON.parse(answer.body), `${name}: a Kaspi envelope`).toHaveProperty('StatusCode');
      expect(normalized(answer), name).toEqual(expected);
    }
    expect(answers['r3 TLS without a certificate, msw: -10000']!.body).toContain('-10000');
    expect(answers['plain, adapter: unmatched path (404)']!.statusLine).toBe('HTTP/1.1 404 Not Found');
  });
});
