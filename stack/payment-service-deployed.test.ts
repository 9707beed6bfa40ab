import { request } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { useParts } from '../platform/testing.ts';
import { assemble } from '../platform/lifecycle.ts';
import { scratchDir } from '../platform/run-dir.ts';
import { sellers } from '../fixtures/organizations.ts';
import { paymentConfigOf } from '../fixtures/payment-configs.ts';
import { startKaspiSimulator, KaspiControlClient } from '../simulator/kaspi/index.ts';
import { PaymentServiceControlClient } from '../simulator/payment-service/control-client.ts';
import { startPaymentServiceSimulator } from '../simulator/payment-service/server.ts';
import { intParsing, startTestPostgres } from '../simulator/payment-service/test-support.ts';

const seller = sellers[1]!;

const parts = useParts(
  assemble()
    .with('postgres', startTestPostgres)
    // The directory given with --allow-dir: a profile's file may be read from it.
    .with('allowed', () => scratchDir('kh-openapi-'))
    .with('kaspi', () => startKaspiSimulator())
    .value('kaspiControl', ({ kaspi }) => new KaspiControlClient(kaspi.controlUrl))
    .with('simulator', ({ postgres, allowed, kaspi }) =>
      startPaymentServiceSimulator({
        databaseUrl: postgres.server.url,
        profile: 'deployed',
        kaspi: { url: kaspi.url },
        allowDirs: [allowed.path],
      }),
    )
    .value('control', ({ simulator }) => new PaymentServiceControlClient(simulator.controlUrl)),
);
beforeEach(async () => {
  await Promise.all([parts.control.reset(), parts.kaspiControl.reset()]);
});

async function call(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${parts.simulator.url}${path}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

describe('deployed contract: service and admin routes', () => {
  it('health and info, no /api prefix', async () => {
    expect(await call('GET', '/health')).toEqual({
      status: 200,
      body: { status: 'ok', service: 'payment-service', version: '1.0.0' },
    });
    expect(await call('GET', '/')).toMatchObject({ status: 200, body: { service: 'payment-service' } });
  });

  it('an unknown route is FastAPI 404 {"detail":"Not Found"}, a guide route included', async () => {
    expect(await call('GET', '/api/payment/config?shop_id=1')).toEqual({
      status: 404,
      body: { detail: 'Not Found' },
    });
  });

  it('lists configs, reads one, 404 for a missing one, 422 int_parsing for a bad path id', async () => {
    const list = await call('GET', '/admin/configs');
    expect((list.body as unknown[]).length).toBe(sellers.length);
    expect(await call('GET', `/admin/configs/${seller.shopId}`)).toMatchObject({
      status: 200,
      body: paymentConfigOf(seller),
    });
    expect(await call('GET', '/admin/configs/999999')).toEqual({
      status: 404,
      body: { detail: 'Payment config not found for shop_id=999999' },
    });
    expect(await call('GET', '/admin/configs/abc')).toEqual({
      status: 422,
      body: {
        detail: [intParsing(['path', 'shop_id'], 'abc')],
      },
    });
  });

  it('by-bin: the owner, 404 for an unknown BIN, 403 once inactive', async () => {
    expect(await call('GET', `/admin/configs/by-bin/${seller.bin}`)).toMatchObject({
      status: 200,
      body: { shop_id: seller.shopId },
    });
    expect((await call('GET', '/admin/configs/by-bin/000000000000')).status).toBe(404);
    await parts.control.putConfig(seller.shopId, { is_active: false });
    expect((await call('GET', `/admin/configs/by-bin/${seller.bin}`)).status).toBe(403);
  });

  it('creates a config, 400 for a duplicate, 422 in FastAPI shape for a missing field', async () => {
    const created = await call('POST', '/admin/configs', {
      shop_id: 424242,
      organization_bin: '123456789012',
    });
    expect(created).toMatchObject({
      status: 200,
      body: {
        shop_id: 424242,
        organization_bin: '123456789012',
        device_token: null,
        is_active: true,
        provider: 'kaspi',
      },
    });
    expect(await call('POST', '/admin/configs', { shop_id: seller.shopId, organization_bin: '1' })).toEqual({
      status: 400,
      body: { detail: `Payment config for shop_id=${seller.shopId} already exists` },
    });
    const body = { organization_bin: '123456789012' };
    expect(await call('POST', '/admin/configs', body)).toEqual({
      status: 422,
      body: { detail: [{ type: 'missing', loc: ['body', 'shop_id'], msg: 'Field required', input: body }] },
    });
  });

  it('updates partially, and DELETE is a soft delete', async () => {
    expect(
      await call('PUT', `/admin/configs/${seller.shopId}`, { organization_bin: '111111111111' }),
    ).toMatchObject({
      status: 200,
      body: { organization_bin: '111111111111', device_token: seller.deviceToken, is_active: true },
    });
    expect((await call('DELETE', `/admin/configs/${seller.shopId}`)).status).toBe(200);
    expect(await call('GET', `/admin/configs/${seller.shopId}`)).toMatchObject({
      status: 200,
      body: { is_active: false },
    });
    expect((await call('PUT', '/admin/configs/999999', { is_active: true })).status).toBe(404);
  });

  it('payment validation errors are FastAPI 422s (gt 0, float parsing, several at once)', async () => {
    expect(
      await call('POST', '/payments/kaspi/create-link', { shop_id: seller.shopId, amount: 0, message: 'x' }),
    ).toEqual({
      status: 422,
      body: {
        detail: [
          {
            type: 'greater_than',
            loc: ['body', 'amount'],
            msg: 'Input should be greater than 0',
            input: 0,
            ctx: { gt: 0 },
          },
        ],
      },
    });
    const body = { shop_id: 'x', amount: 'abc' };
    expect(await call('POST', '/payments/kaspi/create-link', body)).toEqual({
      status: 422,
      body: {
        detail: [
          intParsing(['body', 'shop_id'], 'x'),
          {
            type: 'float_parsing',
            loc: ['body', 'amount'],
            msg: 'Input should be a valid number, unable to parse string as a number',
            input: 'abc',
          },
          { type: 'missing', loc: ['body', 'message'], msg: 'Field required', input: body },
        ],
      },
    });
    expect((await call('POST', '/payments/kaspi/create', '{"shop_id": ')).status).toBe(422);
  });

  it('refuses what PostgreSQL could not take with a FastAPI 422, before the database is asked', async () => {
    const issue = async (method: string, path: string, body?: unknown) => {
      const answer = await call(method, path, body);
      expect(answer.status, `${method} ${path}`).toBe(422);
      const [first] = (answer.body as { detail: { type: string; loc: unknown[]; msg: string }[] }).detail;
      return { type: first!.type, loc: first!.loc, msg: first!.msg };
    };
    expect(await issue('GET', '/admin/configs/2147483648')).toEqual({
      type: 'less_than_equal',
      loc: ['path', 'shop_id'],
      msg: 'Input should be less than or equal to 2147483647',
    });
    expect(
      await issue('POST', '/admin/configs', { shop_id: -2147483649, organization_bin: '1' }),
    ).toMatchObject({
      type: 'greater_than_equal',
      loc: ['body', 'shop_id'],
    });
    expect(await issue('POST', '/admin/configs', { shop_id: 5, organization_bin: '12\u00003' })).toEqual({
      type: 'string_pattern_mismatch',
      loc: ['body', 'organization_bin'],
      msg: "String should match pattern '^[^\\x00]*$'",
    });
    expect(await issue('GET', '/admin/configs/by-bin/1%002')).toMatchObject({
      type: 'string_pattern_mismatch',
      loc: ['path', 'organization_bin'],
    });
    expect(await issue('GET', '/payments/kaspi/status/7%00')).toMatchObject({ loc: ['path', 'external_id'] });
    const amount = (value: unknown) =>
      issue('POST', '/payments/kaspi/create-link', { shop_id: seller.shopId, amount: value, message: 'x' });
    expect(await amount(1e308)).toMatchObject({ type: 'less_than_equal', loc: ['body', 'amount'] });
    // JSON's 1e400 is infinity to a parser: not a number anything can store.
    expect(
      await issue(
        'POST',
        '/payments/kaspi/create-link',
        `{"shop_id":${seller.shopId},"amount":1e400,"message":"x"}`,
      ),
    ).toEqual({ type: 'finite_number', loc: ['body', 'amount'], msg: 'Input should be a finite number' });
    expect(
      await issue('POST', '/payments/kaspi/refund', {
        shop_id: seller.shopId,
        external_id: 'x'.repeat(100_000),
        amount: 1,
      }),
    ).toMatchObject({ type: 'string_too_long', loc: ['body', 'external_id'] });
    for (const limit of ['-1', '0', '1001', '99999999999999999999'])
      expect(await issue('GET', `/admin/logs?limit=${limit}`)).toMatchObject({ loc: ['query', 'limit'] });
    // Nothing reached the database: no log row was written by any of it.
    expect(await parts.control.logs()).toEqual([]);
  });

  it('answers a body nested past 32 levels with 400, and a malformed target without ending the process', async () => {
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    expect(await call('POST', '/admin/configs', deep)).toEqual({
      status: 400,
      body: { detail: 'JSON body nested deeper than 32 levels' },
    });
    // `//` and `//a:b` are no URLs to new URL(target, base); the request must still be answered.
    for (const target of ['//', '//a:b', '/admin/configs/%E0%A4%A']) {
      const status = await new Promise<number>((resolve, reject) => {
        const { port } = new URL(parts.simulator.url);
        request({ host: '127.0.0.1', port, path: target, agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });
      expect(status, target).toBeGreaterThanOrEqual(400);
      expect(status, target).toBeLessThan(500);
    }
    expect((await call('GET', '/health')).status).toBe(200);
  });

  it('lists the newest logs first, limited', async () => {
    for (let i = 0; i < 3; i += 1) {
      await call('POST', '/payments/kaspi/create-link', {
        shop_id: seller.shopId,
        amount: 100 + i,
        message: 'm',
      });
    }
    const logs = (await call('GET', `/admin/logs?shop_id=${seller.shopId}&limit=2`)).body as {
      amount: number;
    }[];
    expect(logs.map((l) => l.amount)).toEqual([10_200, 10_100]);
  });
});

describe('deployed contract: payment routes call Kaspi with the config BIN', () => {
  it('create-link: money routed to the seller, logged; 404 / 403 / 400 for no / inactive / tokenless config', async () => {
    const answer = await call('POST', '/payments/kaspi/create-link', {
      shop_id: seller.shopId,
      amount: 1500,
      message: 'order 1',
    });
    expect(answer).toMatchObject({
      status: 200,
      body: { success: true, organization_bin: seller.bin, error: null },
    });
    const paymentId = Number((answer.body as { payment_id: string }).payment_id);
    expect(await parts.kaspiControl.purchase(paymentId)).toMatchObject({
      organizationBin: seller.bin,
      amount: 1500,
    });
    expect(await parts.control.logs({ shop_id: seller.shopId })).toMatchObject([
      {
        operation_type: 'create-link',
        external_id: String(paymentId),
        amount: 150_000,
        status: 'QrTokenCreated',
      },
    ]);
    expect(
      (await call('POST', '/payments/kaspi/create-link', { shop_id: 999, amount: 1, message: 'm' })).status,
    ).toBe(404);
    await parts.control.putConfig(seller.shopId, { is_active: false });
    expect(
      (await call('POST', '/payments/kaspi/create-link', { shop_id: seller.shopId, amount: 1, message: 'm' }))
        .status,
    ).toBe(403);
    await parts.control.putConfig(seller.shopId, { is_active: true, device_token: null });
    expect(
      (await call('POST', '/payments/kaspi/create-link', { shop_id: seller.shopId, amount: 1, message: 'm' }))
        .status,
    ).toBe(400);
  });

  it('create (remote invoice), status, refund', async () => {
    const created = await call('POST', '/payments/kaspi/create', {
      shop_id: seller.shopId,
      amount: 2000,
      phone: '77001234567',
      message: 'invoice',
    });
    expect(created).toMatchObject({ status: 200, body: { success: true, organization_bin: seller.bin } });
    const externalId = (created.body as { external_id: string }).external_id;
    await parts.kaspiControl.emulate(Number(externalId), 'confirm').catch(() => undefined);
    const status = await call('GET', `/payments/kaspi/status/${externalId}`);
    expect(status).toMatchObject({ status: 200, body: { success: true, external_id: externalId } });
    expect((await call('GET', '/payments/kaspi/status/123')).status).toBe(404);
  });

  it('a Kaspi failure is a 500 with FastAPI detail, logged as Error', async () => {
    await parts.kaspiControl.addFault({
      match: { path: 'qr/create-link' },
      fault: { kind: 'status-code', statusCode: -1501 },
    });
    const answer = await call('POST', '/payments/kaspi/create-link', {
      shop_id: seller.shopId,
      amount: 10,
      message: 'm',
    });
    expect(answer.status).toBe(500);
    expect((answer.body as { detail: string }).detail).toMatch(/^Kaspi API error/);
    expect(await parts.control.logs({ shop_id: seller.shopId })).toMatchObject([{ status: 'Error' }]);
  });
});

describe('contract drift and profiles', () => {
  it('records the guide client calling the deployed service, with the nearest routes', async () => {
    await fetch(`${parts.simulator.url}/api/payment/config?shop_id=${seller.shopId}`);
    await fetch(`${parts.simulator.url}/api/health`);
    const drift = await parts.control.drift();
    expect(drift[0]).toMatchObject({
      method: 'GET',
      path: `/api/payment/config?shop_id=${seller.shopId}`,
      profile: 'deployed',
    });
    expect(drift[0]!.nearest[0]).toBe('GET /admin/configs/{shop_id}');
    expect(drift[1]!.nearest[0]).toBe('GET /health');
    expect((await parts.control.requests()).at(-1)).toMatchObject({ drift: true, status: 404 });
  });

  it('both: serves the guide and the deployed routes', async () => {
    await parts.control.setProfile('both');
    expect((await call('GET', '/api/health')).status).toBe(200);
    expect((await call('GET', '/health')).status).toBe(200);
    expect(await parts.control.drift()).toEqual([]);
  });

  it('openapi: serves exactly the document routes', async () => {
    const file = join(parts.allowed.path, 'openapi.json');
    await writeFile(
      file,
      JSON.stringify({
        openapi: '3.1.0',
        paths: { '/health': { get: {} }, '/admin/configs/{config_shop}': { get: {} } },
      }),
    );
    expect(await parts.control.setProfile({ openapi: file })).toBe('openapi');
    expect((await call('GET', '/health')).status).toBe(200);
    expect((await call('GET', `/admin/configs/${seller.shopId}`)).status).toBe(200);
    expect(await call('GET', '/admin/configs')).toEqual({ status: 404, body: { detail: 'Not Found' } });
    expect((await call('GET', '/api/health')).status).toBe(404);
    await expect(parts.control.setProfile({ openapi: '{"nopaths": 1}' })).rejects.toThrow(/paths/);
  });

  it('a start profile is what a reset returns to, and the control API lists its routes', async () => {
    await parts.control.setProfile('deployed', { start: true });
    await parts.control.setProfile('guide');
    expect(await parts.control.contract()).toMatchObject({ profile: 'guide', start: 'deployed' });
    await parts.control.reset();
    const served = await parts.control.contract();
    expect(served).toMatchObject({ profile: 'deployed', start: 'deployed' });
    expect(served.routes).toContain('GET /admin/configs/{shop_id}');
    expect(served.routes).not.toContain('GET /api/payment/config');
    expect((await call('GET', '/api/health')).status).toBe(404);
    await parts.control.setProfile('guide', { start: true });
    await parts.control.reset();
    expect((await parts.control.contract()).routes).toContain('GET /api/payment/config');
  });

  it('openapi: reads a file only from the allowed directories, and never shows what is in one', async () => {
    const served = await parts.control.profile();
    const refusals: string[] = [];
    for (const openapi of [
      '/etc/passwd',
      '/etc/no-such-file-here',
      `${parts.allowed.path}/../../etc/passwd`,
    ]) {
      const error = await parts.control.setProfile({ openapi }).catch((e: Error) => e.message);
      // The path as the answer quotes it.
      refusals.push(String(error).replace(JSON.stringify(openapi), 'PATH'));
      expect(String(error)).toMatch(/^payment-service control PUT \/control\/profile failed: 400 /);
    }
    // Whether it exists outside makes no difference to the answer, and no content is in it.
    expect(new Set(refusals).size).toBe(1);
    expect(refusals[0]).toContain('is outside the directories this simulator may read');
    expect(refusals[0]).not.toMatch(/root:/);
    // Inside, a file that is not JSON is named as such, its content still withheld.
    await writeFile(join(parts.allowed.path, 'secret.txt'), 'root:x:0:0:secret-line\n');
    const error = await parts.control
      .setProfile({ openapi: join(parts.allowed.path, 'secret.txt') })
      .catch((e: Error) => e.message);
    expect(error).toMatch(/secret\.txt" is not valid JSON/);
    expect(error).not.toMatch(/root:x|secret-line/);
    // None of it changed what is served.
    expect(await parts.control.profile()).toBe(served);
  });
});
