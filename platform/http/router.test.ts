/**
 * The router under every control API and the payment-service's simulated service, and the control
 * APIs' flavour of it, over real HTTP on loopback.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { listenHttp, type HttpListener } from '../http-server.ts';
import { ControlError, controlListener, ok, parsedBody } from './control-api.ts';
import { ControlApiError, controlCaller } from './control-client.ts';
import { BodyTooLarge, createRouter, routerListener, type Answer, type Route } from './router.ts';
import { sendRaw, type RawReply } from './test-support.ts';

describe('the router (FastAPI-like flavour: exact paths, its own answers)', () => {
  let server: HttpListener;
  const routes: Route[] = [
    { method: 'GET', path: '/items/:id', handle: ({ params }) => ({ status: 200, body: { id: params.id } }) },
    { method: 'DELETE', path: '/items/:id', handle: () => ({ status: 204, text: '' }) },
    {
      method: 'POST',
      path: '/echo',
      maxBodyBytes: 16,
      handle: async ({ text }) => ({ status: 200, body: { got: await text() } }),
    },
    {
      method: 'GET',
      path: '/boom',
      handle: () => {
        throw new Error('secret detail\n    at handler (/srv/app.ts:1:1)');
      },
    },
  ];
  beforeAll(async () => {
    const router = createRouter(routes, {
      notFound: (): Answer => ({ status: 404, body: { detail: 'Not Found' } }),
      methodNotAllowed: (): Answer => ({ status: 405, body: { detail: 'Method Not Allowed' } }),
      failure: (error): Answer =>
        error instanceof BodyTooLarge
          ? { status: 413, body: { detail: 'Request Entity Too Large' } }
          : { status: 500, body: { detail: 'Internal Server Error' } },
    });
    server = await listenHttp(
      routerListener(router, { badTarget: { status: 400, body: { detail: 'Invalid HTTP request target' } } }),
    );
  });
  afterAll(() => server?.stop());

  it('captures a template segment, %-decoded, a malformed escape as it came', async () => {
    expect((await sendRaw(server.url, 'GET', '/items/a%20b')).body).toEqual({ id: 'a b' });
    expect((await sendRaw(server.url, 'GET', '/items/%E0%A4%A')).body).toEqual({ id: '%E0%A4%A' });
  });

  it('answers 404 for a path no route has, 405 with Allow for a method its routes do not take', async () => {
    expect(await sendRaw(server.url, 'GET', '/items/1/more')).toMatchObject({
      status: 404,
      body: { detail: 'Not Found' },
    });
    expect(await sendRaw(server.url, 'GET', '/items/1/')).toMatchObject({ status: 404 });
    const refused = await sendRaw(server.url, 'PUT', '/items/1', '{}');
    expect(refused).toMatchObject({ status: 405, body: { detail: 'Method Not Allowed' } });
    expect(refused.headers.allow).toBe('GET, DELETE');
  });

  it('reads a body up to the route’s limit, and answers past it with the failure answer', async () => {
    expect((await sendRaw(server.url, 'POST', '/echo', 'sixteen bytes..!')).body).toEqual({
      got: 'sixteen bytes..!',
    });
    expect(await sendRaw(server.url, 'POST', '/echo', 'seventeen bytes..')).toMatchObject({ status: 413 });
  });

  it('turns a throwing handler into the 500 answer, never the error or its stack', async () => {
    const answer = await sendRaw(server.url, 'GET', '/boom');
    expect(answer).toMatchObject({ status: 500, body: { detail: 'Internal Server Error' } });
    expect(JSON.stringify(answer.body)).not.toMatch(/secret|app\.ts/);
  });

  it('answers a request target that is no URL instead of throwing', async () => {
    expect(await sendRaw(server.url, 'GET', 'http://a:b/')).toMatchObject({ status: 400 });
    expect((await sendRaw(server.url, 'GET', '/items/7')).body).toEqual({ id: '7' });
  });

  it('says what it would do with a request without running anything', () => {
    const router = createRouter(routes, {
      notFound: () => ({ status: 404 }),
      methodNotAllowed: () => ({ status: 405 }),
      failure: () => ({ status: 500 }),
    });
    expect(router.keys).toContain('GET /items/{id}');
    expect(router.match('GET', '/items/3')).toEqual({ outcome: 'matched', key: 'GET /items/{id}' });
    expect(router.match('PATCH', '/items/3')).toEqual({
      outcome: 'method-not-allowed',
      allow: ['GET', 'DELETE'],
    });
    expect(router.match('GET', '/nothing')).toEqual({ outcome: 'not-found' });
  });
});

describe('the control API flavour', () => {
  let server: HttpListener;
  let database = true;
  const faultBody = z.strictObject({
    kind: z.enum(['latency', 'reset']),
    ms: z.number().int().min(0).optional(),
  });
  beforeAll(async () => {
    server = await listenHttp(
      controlListener(
        'test-api',
        [
          {
            method: 'POST',
            path: '/control/faults',
            handle: async (ctx) => ok(await parsedBody(ctx, faultBody), 201),
          },
          {
            method: 'DELETE',
            path: '/control/faults/:id',
            handle: ({ params }) => {
              throw new ControlError(404, 'not_found', `no fault ${params.id}`);
            },
          },
          {
            method: 'GET',
            path: '/control/broken',
            handle: () => {
              throw new Error('query failed\n    at pg (/srv/node_modules/pg/lib/client.js:1:1)');
            },
          },
        ],
        {
          refuse: (req) => (req.headers['x-sandboxed'] ? 'not served to the sandbox' : undefined),
          describeFailure: () =>
            database ? undefined : new ControlError(503, 'database_unreachable', 'its database is gone'),
        },
      ),
    );
  });
  afterAll(() => server?.stop());

  const json = { 'content-type': 'application/json' };
  const errorOf = (reply: RawReply) => (reply.body as { error: { code: string; message: string } }).error;

  it('answers every error as {error: {code, message}}', async () => {
    const cases: [Promise<RawReply>, number, string][] = [
      [sendRaw(server.url, 'GET', '/control/nothing'), 404, 'not_found'],
      [sendRaw(server.url, 'GET', '/control/faults'), 405, 'method_not_allowed'],
      [sendRaw(server.url, 'POST', '/control/faults', '{', json), 400, 'invalid_json'],
      [
        sendRaw(server.url, 'POST', '/control/faults', `${'['.repeat(40)}${']'.repeat(40)}`, json),
        400,
        'body_too_deep',
      ],
      [
        sendRaw(server.url, 'POST', '/control/faults', `{"kind":"${'x'.repeat(70_000)}"}`, json),
        413,
        'body_too_large',
      ],
      [sendRaw(server.url, 'POST', '/control/faults', '{"kind":"slow","ms":-1}', json), 400, 'invalid_body'],
      [sendRaw(server.url, 'DELETE', '/control/faults/f9/', undefined, json), 404, 'not_found'],
      [sendRaw(server.url, 'POST', '/control/faults', '{"kind":"reset"}'), 403, 'forbidden'],
      [sendRaw(server.url, 'GET', 'http://a:b/'), 400, 'invalid_target'],
    ];
    for (const [reply, status, code] of cases) {
      const answer = await reply;
      expect(answer.status, code).toBe(status);
      expect(errorOf(answer)).toEqual({ code, message: expect.any(String) });
      expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    }
  });

  it('names each field that is wrong', async () => {
    const answer = await sendRaw(
      server.url,
      'POST',
      '/control/faults',
      '{"kind":"slow","ms":-1,"x":1}',
      json,
    );
    expect(errorOf(answer).message).toMatch(/^kind: .*; ms: .*; body: .*"x"/);
  });

  it('serves what passes, the trailing slash ignored', async () => {
    expect(await sendRaw(server.url, 'POST', '/control/faults/', '{"kind":"reset"}', json)).toMatchObject({
      status: 201,
      body: { kind: 'reset' },
    });
  });

  it('refuses what the API’s own rule refuses, before the guard and the routes', async () => {
    const answer = await sendRaw(server.url, 'POST', '/control/faults', '{"kind":"reset"}', {
      ...json,
      'x-sandboxed': '1',
    });
    expect(answer.status).toBe(403);
    expect(errorOf(answer)).toEqual({ code: 'forbidden', message: 'not served to the sandbox' });
  });

  it('answers a handler’s failure with one line and no stack, or as the API describes it', async () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const answer = await sendRaw(server.url, 'GET', '/control/broken');
      expect(answer.status).toBe(500);
      expect(errorOf(answer)).toEqual({ code: 'internal', message: 'control action failed: query failed' });
      database = false;
      const described = await sendRaw(server.url, 'GET', '/control/broken');
      expect(described.status).toBe(503);
      expect(errorOf(described)).toEqual({ code: 'database_unreachable', message: 'its database is gone' });
    } finally {
      database = true;
      quiet.mockRestore();
    }
  });

  it('is what the typed clients read: ControlApiError with the code and the reason', async () => {
    const call = controlCaller(server.url, 'test control');
    await expect(call('DELETE', '/control/faults/f1')).rejects.toEqual(
      new ControlApiError(404, 'not_found', 'no fault f1', 'test control DELETE /control/faults/f1'),
    );
    await expect(call('DELETE', '/control/faults/f1')).rejects.toThrow(
      'test control DELETE /control/faults/f1 failed: 404 not_found: no fault f1',
    );
    expect(await call('POST', '/control/faults', { kind: 'latency', ms: 5 })).toEqual({
      kind: 'latency',
      ms: 5,
    });
  });
});
