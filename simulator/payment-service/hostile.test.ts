/**
 * The payment-service simulator as an outside tester meets it (`kaspi-harness sim payment-service`,
 * its own process and private PostgreSQL): generated hostile requests (seeded, bounded, loopback
 * only) to the service, serving both contracts, and to its control API. Every one gets an HTTP
 * answer below 500 in FastAPI's shape (`{"detail": …}`, 422s item by item) or the control API's
 * `{error: {code, message}}`, with no stack trace and no file's content in it; nothing reaches PostgreSQL that it
 * would refuse; forged control writes are 403 and change nothing; slow clients are cut off in
 * seconds; and the process is still there, serving, at the end. The tally goes to README.md.
 */
import { describe, expect, it } from 'vitest';
import { useParts } from '../../platform/testing.ts';
import { assemble } from '../../platform/lifecycle.ts';
import { sellers } from '../../fixtures/organizations.ts';
import {
  badBody,
  deepArray,
  deepJson,
  hostileValues,
  httpLevelCases,
  jsonWrite,
  pick,
  plain,
  rawNumberValues,
  rng,
  slowBodyCase,
  urlValue,
  type HostileCase,
  type Rng,
} from '../shared/hostile/generate.ts';
import { controlTarget, portOf, type ControlRoutes } from '../shared/hostile/control-api.ts';
import type { Target } from '../shared/hostile/run.ts';
import { startSimProcess } from '../shared/hostile/sim-process.ts';
import { expectWithstood } from '../shared/hostile/verdict.ts';
import { PaymentServiceControlClient } from './control-client.ts';

const seed = 20_251_205;
const parts = useParts(
  assemble()
    .with('sim', () => startSimProcess(['payment-service']))
    .value('control', async ({ sim }) => {
      const control = new PaymentServiceControlClient(String(sim.ready.controlUrl));
      // Both contracts at once: every route of the guide and of the deployed service is a target.
      await control.setProfile('both');
      return control;
    }),
  90_000,
);

/**
 * Shops no seller has: what the fuzzer creates, changes or logs stays off the sellers' configs,
 * and no payment it sends is ever valid (the amount is always wrong), so none calls out to Kaspi.
 */
const strayShop = 424_242;

/** A body with exactly one field replaced by a hostile value (or one added, or one missing). */
function corrupt(random: Rng, base: Record<string, unknown>): string {
  const fields = Object.keys(base);
  const body: Record<string, unknown> = { ...base };
  switch (Math.floor(random() * 4)) {
    case 0:
      delete body[pick(random, fields)];
      return JSON.stringify(body);
    case 1:
      // A number JSON.stringify cannot write, in place of one field.
      return JSON.stringify(body).replace(
        /}$/,
        `,"${pick(random, fields)}":${pick(random, rawNumberValues)}}`,
      );
    default:
      body[pick(random, fields)] = pick(random, hostileValues);
      return JSON.stringify(body);
  }
}

/** An amount nothing may accept: the payment routes refuse these before looking anything up. */
const badAmounts: readonly unknown[] = [0, -1, -0.01, 1e308, 21_474_837, 'abc', null, [], {}, false];

function serviceCases(random: Rng, count: number, port: number): HostileCase[] {
  const log = {
    shop_id: strayShop,
    organization_bin: '123456789012',
    operation_type: 'create',
    external_id: 'hostile-1',
    amount: 100,
    status: 'Wait',
  };
  const config = {
    shop_id: strayShop + 1,
    organization_bin: '123456789012',
    is_active: true,
    provider: 'kaspi',
  };
  const cases: HostileCase[] = [];
  for (let i = 0; i < count; i += 1) {
    switch (Math.floor(random() * 10)) {
      case 0:
        cases.push(plain('GET', `/api/payment/config?shop_id=${urlValue(random)}`, port));
        break;
      case 1:
        cases.push(jsonWrite('POST', '/api/payment/log', corrupt(random, log), port));
        break;
      case 2:
        cases.push(
          jsonWrite('POST', pick(random, ['/api/payment/log', '/admin/configs']), badBody(random), port),
        );
        break;
      case 3:
        cases.push(
          plain(
            'GET',
            pick(random, [`/admin/configs/${urlValue(random)}`, `/admin/configs/by-bin/${urlValue(random)}`]),
            port,
          ),
        );
        break;
      case 4:
        cases.push(plain('GET', `/admin/logs?shop_id=${urlValue(random)}&limit=${urlValue(random)}`, port));
        break;
      case 5:
        cases.push(jsonWrite('POST', '/admin/configs', corrupt(random, config), port));
        break;
      case 6:
        cases.push(
          random() < 0.5
            ? jsonWrite('PUT', `/admin/configs/${urlValue(random)}`, corrupt(random, config), port)
            : plain(
                'DELETE',
                `/admin/configs/${pick(random, ['abc', '2147483648', '1.5', '%00', '-2147483649'])}`,
                port,
              ),
        );
        break;
      case 7: {
        const route = pick(random, ['create', 'create-link', 'refund']);
        const payment = {
          shop_id: strayShop,
          amount: pick(random, badAmounts),
          phone: '77001234567',
          message: 'x',
          external_id: '1',
        };
        cases.push(jsonWrite('POST', `/payments/kaspi/${route}`, corrupt(random, payment), port));
        break;
      }
      case 8:
        cases.push(plain('GET', `/payments/kaspi/status/${urlValue(random)}`, port));
        break;
      default:
        cases.push(
          random() < 0.15
            ? { ...jsonWrite('POST', '/api/payment/log', ' '.repeat(1024 * 1024 + 1), port), expect: [413] }
            : {
                ...jsonWrite(
                  'POST',
                  pick(random, ['/api/payment/log', '/admin/configs', '/payments/kaspi/refund']),
                  pick(random, [deepJson(33), deepArray(20_000)]),
                  port,
                ),
                expect: [400],
              },
        );
    }
  }
  return cases;
}

function controlRoutes(random: Rng): ControlRoutes {
  const writes: [string, string][] = [
    ['POST', '/control/down'],
    ['POST', '/control/reset'],
    ['PUT', `/control/configs/${sellers[0]!.shopId}`],
    ['DELETE', `/control/configs/${sellers[0]!.shopId}`],
    ['PUT', '/control/profile'],
    ['POST', '/control/faults'],
    ['DELETE', '/control/faults'],
    ['DELETE', '/control/drift'],
    ['POST', '/control/clock'],
  ];
  const refused: [string, string, string][] = [
    ['PUT', '/control/configs/abc', '{}'],
    ['PUT', '/control/configs/2147483648', '{}'],
    ['PUT', `/control/configs/${strayShop + 2}`, '{"organization_bin":"1\\u00002"}'],
    ['PUT', `/control/configs/${strayShop + 2}`, '{"organization_bin":"1234567890123"}'],
    ['PUT', `/control/configs/${strayShop + 2}`, `{"device_token":"${'x'.repeat(51)}"}`],
    ['PUT', `/control/configs/${strayShop + 2}`, '{"is_active":"yes"}'],
    ['PUT', `/control/configs/${strayShop + 2}`, '{"x":1}'],
    ['PUT', '/control/profile', '{"profile":{"openapi":"/etc/passwd"}}'],
    ['PUT', '/control/profile', '{"profile":{"openapi":"/proc/self/environ"}}'],
    ['PUT', '/control/profile', '{"profile":{"openapi":"../../../../../../etc/shadow"}}'],
    ['PUT', '/control/profile', '{"profile":{"openapi":"/dev/zero"}}'],
    ['PUT', '/control/profile', '{"profile":{"openapi":"package.json"}}'],
    ['PUT', '/control/profile', '{"profile":{"openapi":"{not json"}}'],
    ['PUT', '/control/profile', '{"profile":{"openapi":"no-such-file.json"}}'],
    ['PUT', '/control/profile', '{"profile":"nope"}'],
    ['POST', '/control/faults', '{}'],
    ['POST', '/control/faults', '{"fault":{"kind":"nope"}}'],
    ['POST', '/control/faults', '{"fault":{"kind":"latency","ms":-1}}'],
    ['POST', '/control/faults', '{"fault":{"kind":"http-status","status":99}}'],
    ['POST', '/control/faults', '{"fault":{"kind":"slow","ms":5}}'],
    ['POST', '/control/faults', '{"fault":{"kind":"tls-failure"},"match":{"path":"/api/health"}}'],
    ['POST', '/control/faults', '{"fault":{"kind":"down"},"times":2}'],
    ['POST', '/control/clock', '{"advanceSeconds":"x"}'],
    ['POST', '/control/clock', '{"set":"not a date"}'],
    ['DELETE', '/control/configs/abc', '{}'],
    ['DELETE', '/control/faults/no-such-fault', '{}'],
  ];
  const reads = [
    () => `/control/logs?shop_id=${urlValue(random)}&external_id=${urlValue(random)}`,
    () => `/control/requests?limit=${urlValue(random)}`,
    () =>
      pick(random, [
        '/control/configs',
        '/control/state',
        '/control/drift',
        '/control/polls',
        '/control/clock',
      ]),
    () => `/control/${urlValue(random)}`,
  ];
  return {
    writes,
    refused,
    malformed: (random) => ({
      method: pick(random, ['PUT', 'POST']),
      target: pick(random, ['/control/profile', '/control/faults', `/control/configs/${strayShop + 2}`]),
      body: pick(random, [deepJson(33), deepArray(20_000), '{', 'null', '[]']),
    }),
    reads,
  };
}

function fastapiShape(status: number, body: unknown): string | undefined {
  if (status < 400) return undefined;
  const detail = (body as { detail?: unknown } | null)?.detail;
  if (detail === undefined) return `no "detail": ${JSON.stringify(body).slice(0, 120)}`;
  if (status !== 422)
    return typeof detail === 'string'
      ? undefined
      : `detail is not a string: ${JSON.stringify(body).slice(0, 120)}`;
  const items = Array.isArray(detail) ? (detail as Record<string, unknown>[]) : [];
  const wellFormed = (item: Record<string, unknown>) =>
    typeof item.type === 'string' &&
    Array.isArray(item.loc) &&
    typeof item.msg === 'string' &&
    'input' in item;
  return items.length > 0 && items.every(wellFormed)
    ? undefined
    : `not FastAPI's 422: ${JSON.stringify(body).slice(0, 160)}`;
}

describe('the payment-service simulator under hostile input', () => {
  it(
    'answers every generated case below 500 in its own shape, and is still there serving afterwards',
    { timeout: 180_000 },
    async () => {
      const random = rng(seed);
      const servicePort = portOf(parts.sim.ready.url);
      const targets: Target[] = [
        {
          name: 'service (both contracts)',
          endpoint: { port: servicePort },
          shape: fastapiShape,
          cases: [
            ...httpLevelCases(`127.0.0.1:${servicePort}`),
            ...serviceCases(random, 600, servicePort),
            slowBodyCase(`127.0.0.1:${servicePort}`, '/api/payment/log'),
          ],
        },
        controlTarget(random, parts.sim.ready.controlUrl, controlRoutes(random)),
      ];

      await expectWithstood(parts.sim, 'payment-service simulator', seed, targets);
      // Still serving, and nothing a forged or refused control request asked for happened.
      expect((await fetch(`${String(parts.sim.ready.url)}/health`)).status).toBe(200);
      expect(await parts.control.state()).toEqual({
        up: true,
        profile: 'both',
        database: { reachable: true },
      });
      expect(await parts.control.faults()).toEqual([]);
      const configs = await parts.control.configs();
      for (const seller of sellers) {
        expect(configs.find((row) => row.shop_id === seller.shopId)).toMatchObject({
          organization_bin: seller.bin,
          is_active: true,
        });
      }
    },
  );
});
