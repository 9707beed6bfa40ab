/**
 * The fast path must answer exactly like the msw handlers, which define the API: same HTTP status,
 * same JSON (random QR tokens compared by type). Two states fed the same requests, one per path.
 */
import { getResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { allOrganizations } from '../../fixtures/organizations.ts';
import { createFastPath } from './fast-path.ts';
import { createKaspiHandlers } from './handlers.ts';
import { KaspiState } from './state.ts';
import { sellerAt } from './test-helpers.ts';
import { manualClock } from './time.ts';

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
