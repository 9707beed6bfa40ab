import { request } from 'node:http';
import pg from 'pg';
import { beforeEach, describe, expect, it } from 'vitest';
import { useParts } from '../../platform/testing.ts';
import { assemble } from '../../platform/lifecycle.ts';
import { sellers } from '../../fixtures/organizations.ts';
import { paymentConfigOf } from '../../fixtures/payment-configs.ts';
import { PaymentServiceControlClient } from './control-client.ts';
import { startPaymentServiceSimulator } from './server.ts';
import { intParsing, startTestPostgres } from './test-support.ts';

const parts = useParts(
  assemble()
    .with('postgres', startTestPostgres)
    .with('simulator', ({ postgres }) => startPaymentServiceSimulator({ databaseUrl: postgres.server.url }))
    .value('control', ({ simulator }) => new PaymentServiceControlClient(simulator.controlUrl)),
);

beforeEach(async () => {
  await parts.control.reset();
});

async function get(path: string): Promise<{ status: number; body: unknown; contentType: string | null }> {
  const response = await fetch(`${parts.simulator.url}${path}`);
  return {
    status: response.status,
    body: await response.json(),
    contentType: response.headers.get('content-type'),
  };
}

async function postLog(body: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${parts.simulator.url}/api/payment/log`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return { status: response.status, body: await response.json() };
}

/** POST on a fresh connection (no keep-alive pool). */
function postOnce(body: string): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${parts.simulator.url}/api/payment/log`,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('guide contract: GET /api/health', () => {
  it('answers 200 {"status":"ok"} as JSON', async () => {
    expect(await get('/api/health')).toEqual({
      status: 200,
      body: { status: 'ok' },
      contentType: 'application/json',
    });
  });
});

describe('guide contract: GET /api/payment/config', () => {
  it.each(sellers.map((s) => [s.name, s] as const))(
    'serves %s its own BIN and device token',
    async (_, seller) => {
      expect(await get(`/api/payment/config?shop_id=${seller.shopId}`)).toEqual({
        status: 200,
        contentType: 'application/json',
        body: paymentConfigOf(seller),
      });
    },
  );

  it('answers 404 with FastAPI detail for a shop without config', async () => {
    expect(await get('/api/payment/config?shop_id=999999')).toMatchObject({
      status: 404,
      body: { detail: 'Payment config not found for shop_id=999999' },
    });
  });

  it('answers 422 int_parsing when shop_id is not an integer', async () => {
    expect(await get('/api/payment/config?shop_id=abc')).toMatchObject({
      status: 422,
      body: {
        detail: [intParsing(['query', 'shop_id'], 'abc')],
      },
    });
  });

  it('answers 422 missing when shop_id is absent', async () => {
    expect((await get('/api/payment/config')).body).toEqual({
      detail: [{ type: 'missing', loc: ['query', 'shop_id'], msg: 'Field required', input: null }],
    });
  });

  it('serves an inactive config as stored: the client decides what it means', async () => {
    const [seller] = sellers;
    await parts.control.putConfig(seller!.shopId, { is_active: false });
    expect((await get(`/api/payment/config?shop_id=${seller!.shopId}`)).body).toMatchObject({
      organization_bin: seller!.bin,
      is_active: false,
    });
  });

  it("answers 422 for a shop_id beyond PostgreSQL's integer, before the database is asked", async () => {
    expect((await get('/api/payment/config?shop_id=2147483648')).body).toEqual({
      detail: [
        {
          type: 'less_than_equal',
          loc: ['query', 'shop_id'],
          msg: 'Input should be less than or equal to 2147483647',
          input: '2147483648',
          ctx: { le: 2147483647 },
        },
      ],
    });
    expect((await get('/api/payment/config?shop_id=-99999999999')).status).toBe(422);
    expect((await get('/api/payment/config?shop_id=2147483647')).status).toBe(404);
  });

  it('answers 500 {"detail":"Internal Server Error"} when the database refuses the query', async () => {
    // What no validation can foresee: the table gone from under the service.
    const admin = new pg.Client({ connectionString: parts.postgres.server.url });
    await admin.connect();
    await admin.query('ALTER TABLE paymentconfig RENAME TO paymentconfig_away');
    try {
      expect(await get(`/api/payment/config?shop_id=${sellers[0]!.shopId}`)).toMatchObject({
        status: 500,
        body: { detail: 'Internal Server Error' },
      });
    } finally {
      await admin.query('ALTER TABLE paymentconfig_away RENAME TO paymentconfig');
      await admin.end();
    }
  });
});

describe('guide contract: POST /api/payment/log', () => {
  const seller = sellers[1]!;

  it('stores the row and answers 200 with it', async () => {
    const log = {
      shop_id: seller.shopId,
      organization_bin: seller.bin,
      operation_type: 'create',
      external_id: '700123',
      amount: 1_500_000,
      status: 'Wait',
    };
    const { status, body } = await postLog(JSON.stringify(log));
    expect(status).toBe(200);
    expect(body).toEqual({
      id: 1,
      ...log,
      error_message: null,
      provider: 'kaspi',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$/),
    });
    expect(await parts.control.logs({ external_id: '700123' })).toEqual([body]);
    expect(await parts.control.logs({ shop_id: 1 })).toEqual([]);
  });

  it('reports every invalid field as FastAPI does, in declaration order', async () => {
    const body = { shop_id: 'x', operation_type: 'create', amount: 1.5, error_message: 'e'.repeat(501) };
    expect(await postLog(JSON.stringify(body))).toEqual({
      status: 422,
      body: {
        detail: [
          intParsing(['body', 'shop_id'], 'x'),
          { type: 'missing', loc: ['body', 'organization_bin'], msg: 'Field required', input: body },
          {
            type: 'int_from_float',
            loc: ['body', 'amount'],
            msg: 'Input should be a valid integer, got a number with a fractional part',
            input: 1.5,
          },
          {
            type: 'string_too_long',
            loc: ['body', 'error_message'],
            msg: 'String should have at most 500 characters',
            input: body.error_message,
            ctx: { max_length: 500 },
          },
        ],
      },
    });
    expect(await parts.control.logs()).toEqual([]);
  });

  it('accepts what Pydantic coerces: a numeric string shop_id, an integral float amount', async () => {
    const { status, body } = await postLog(
      JSON.stringify({
        shop_id: String(seller.shopId),
        organization_bin: seller.bin,
        operation_type: 'refund',
        amount: 100.0,
      }),
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ shop_id: seller.shopId, amount: 100 });
  });

  it('answers 422 json_invalid for a malformed body, and missing for an empty one', async () => {
    expect(await postLog('{"shop_id": ')).toEqual({
      status: 422,
      body: {
        detail: [
          {
            type: 'json_invalid',
            loc: ['body', 12],
            msg: 'JSON decode error',
            input: {},
            ctx: { error: 'Expecting value' },
          },
        ],
      },
    });
    expect(await postLog('')).toEqual({
      status: 422,
      body: { detail: [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }] },
    });
  });

  it('keeps all of 1,000 concurrent writes', async () => {
    // One connection per request, as PHP's curl does: fetch's pool would reuse sockets left idle by
    // the previous tests, and on a loaded machine race the server's 5 s keep-alive close.
    const answers = await Promise.all(
      Array.from({ length: 1_000 }, (_, i) =>
        postOnce(
          JSON.stringify({
            shop_id: seller.shopId,
            organization_bin: seller.bin,
            operation_type: 'status',
            external_id: `load-${i}`,
            status: 'Processed',
          }),
        ),
      ),
    );
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    const logs = await parts.control.logs({ shop_id: seller.shopId });
    expect(logs).toHaveLength(1_000);
    expect(new Set(logs.map((l) => l.external_id)).size).toBe(1_000);
  });
});

describe('FastAPI answers outside the routes', () => {
  it('answers 404 {"detail":"Not Found"} for an unknown route and 405 for a wrong method', async () => {
    expect(await get('/payments/kaspi/nothing')).toMatchObject({
      status: 404,
      body: { detail: 'Not Found' },
    });
    const response = await fetch(`${parts.simulator.url}/api/health`, { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
    expect(await response.json()).toEqual({ detail: 'Method Not Allowed' });
  });

  it('journals what it served, newest last', async () => {
    await get('/api/health');
    await get('/api/payment/config?shop_id=abc');
    const requests = await parts.control.requests(2);
    expect(requests.map(({ method, path, status }) => ({ method, path, status }))).toEqual([
      { method: 'GET', path: '/api/health', status: 200 },
      { method: 'GET', path: '/api/payment/config?shop_id=abc', status: 422 },
    ]);
    expect(requests[0]!.latencyMs).toBeGreaterThanOrEqual(0);
  });
});
