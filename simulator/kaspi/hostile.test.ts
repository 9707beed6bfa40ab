/**
 * The Kaspi simulator as an outside tester meets it (`kaspi-harness sim kaspi`, its own process):
 * generated hostile requests (seeded, bounded, loopback only) to its plain listener, its r1/r2/r3
 * TLS listeners and its control API. Every one gets an HTTP answer below 500 in that listener's
 * shape — Kaspi's `StatusCode` envelope, the control API's `{error: {code, message}}` — with no
 * stack trace in it; forged control writes are 403 and change nothing; slow clients are cut off in
 * seconds; and the process is still there, serving, at the end. The tally goes to README.md.
 */
import { describe, expect, it } from 'vitest';
import { useParts } from '../../platform/testing.ts';
import { assemble } from '../../platform/lifecycle.ts';
import { sellerAt } from './test-helpers.ts';
import {
  badBody,
  deepArray,
  deepJson,
  hostileValues,
  httpLevelCases,
  pick,
  plain,
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
import { rawRequest } from '../shared/hostile/wire.ts';

const seed = 20_251_204;
const org = sellerAt(0);
const parts = useParts(
  assemble().with('sim', () => startSimProcess(['kaspi'])),
  90_000,
);

const postPaths = [
  'qr/create',
  'qr/create-link',
  'device/register',
  'device/delete',
  'payment/return',
  'remote/create',
];
const contentTypes = ['application/json', 'text/plain', 'application/xml', 'multipart/form-data', undefined];

/** Kaspi routes on `schemes`, every way a partner's server could get them wrong. */
function kaspiApiCases(random: Rng, schemes: readonly string[], count: number, port: number): HostileCase[] {
  const host = `127.0.0.1:${port}`;
  const cases: HostileCase[] = [];
  const scheme = () => pick(random, schemes);
  for (let i = 0; i < count; i += 1) {
    const contentType = pick(random, contentTypes);
    const headers: [string, string][] = contentType ? [['Content-Type', contentType]] : [];
    const post = (target: string, body: string, expect?: number[]): HostileCase => ({
      label: `POST ${target} ${body.slice(0, 50)}`,
      request: { bytes: rawRequest({ method: 'POST', target, host, headers, body }) },
      ...(expect ? { expect } : {}),
    });
    switch (Math.floor(random() * 9)) {
      case 0:
      case 1:
        cases.push(post(`/${scheme()}/v01/${pick(random, postPaths)}`, badBody(random)));
        break;
      case 2: {
        // Right fields, hostile values: the real device token with an amount no bank takes.
        const value = pick(random, hostileValues);
        cases.push(
          post(
            `/${scheme()}/v01/qr/create`,
            JSON.stringify({
              DeviceToken: org.deviceToken,
              OrganizationBin: org.bin,
              Amount: value,
              ExternalId: value,
            }),
          ),
        );
        break;
      }
      case 3:
        cases.push(
          post(
            `/test/payment/${pick(random, ['scan', 'confirm', 'scanerror', 'confirmerror'])}`,
            pick(random, [badBody(random), JSON.stringify({ qrPaymentId: pick(random, hostileValues) })]),
          ),
        );
        break;
      case 4:
        cases.push(
          plain('GET', `/${scheme()}/v0${pick(random, ['1', '2'])}/payment/status/${urlValue(random)}`, port),
        );
        break;
      case 5:
        cases.push({
          ...plain(
            pick(random, ['PUT', 'DELETE', 'PATCH', 'TRACE', 'SEARCH']),
            `/${scheme()}/v01/qr/create`,
            port,
            '{}',
          ),
          expect: [405],
        });
        break;
      case 6:
        cases.push(
          plain(
            pick(random, ['GET', 'POST']),
            pick(random, [
              '/r4/v01/qr/create',
              `/${scheme()}/v1/qr/create`,
              '/qr/create',
              `/${'a/'.repeat(200)}`,
              `/${urlValue(random)}`,
            ]),
            port,
          ),
        );
        break;
      case 7:
        cases.push(
          post(`/${scheme()}/v01/qr/create`, pick(random, [deepJson(33), deepArray(20_000)]), [400]),
        );
        break;
      default:
        cases.push(
          random() < 0.1
            ? { ...post(`/${scheme()}/v01/qr/create`, ' '.repeat(1024 * 1024 + 1)), expect: [413] }
            : post(`/${scheme()}/v01/health/ping`, badBody(random)),
        );
    }
  }
  return cases;
}

/** The control API: forged writes, JSON writes every route must refuse, reads with hostile parameters. */
function controlRoutes(random: Rng): ControlRoutes {
  const writes: [string, string][] = [
    ['POST', '/control/reset'],
    ['POST', '/control/faults'],
    ['DELETE', '/control/faults'],
    ['POST', '/control/seed'],
    ['POST', '/control/clock'],
    ['POST', '/control/purchases/100000001/confirm'],
    ['POST', '/control/trade-points/1'],
    ['POST', '/control/trade-points/1/settings'],
    ['DELETE', '/control/trade-points/1'],
  ];
  const refusedBodies: [string, string][] = [
    ['/control/faults', '{}'],
    ['/control/faults', '{"fault":{"kind":"nope"}}'],
    ['/control/faults', '{"fault":"reset"}'],
    ['/control/faults', '{"fault":{"kind":"latency","ms":-1}}'],
    ['/control/faults', '{"fault":{"kind":"hang"}}'],
    ['/control/faults', '{"fault":{"kind":"reset"},"times":0}'],
    ['/control/faults', '{"fault":{"kind":"reset"},"probability":2}'],
    ['/control/faults', '{"fault":{"kind":"status-code","statusCode":1e400}}'],
    ['/control/faults', `{"fault":{"kind":"reset"},"match":{"path":"${'x'.repeat(600)}"}}`],
    ['/control/seed', '{"organizations":[]}'],
    ['/control/seed', '{"organizations":[{"bin":"12"}]}'],
    ['/control/seed', '{"organizations":"x"}'],
    ['/control/clock', '{"advanceSeconds":"x"}'],
    ['/control/clock', '{"advanceSeconds":1e400}'],
    ['/control/clock', '{"freeze":"yes"}'],
    ['/control/clock', '{"set":"not a date"}'],
    ['/control/clock', '{"set":"2025-01-01T00:00:00\\u0000Z"}'],
    ['/control/trade-points/abc', '{}'],
    ['/control/trade-points/999999999999', '{"enabled":false}'],
    ['/control/trade-points/1', '{"enabled":"no"}'],
    ['/control/trade-points/1/settings', '{"paymentMethods":"Gold"}'],
    ['/control/purchases/999999999999/scan', '{}'],
    ['/control/purchases/abc/confirm', '{}'],
  ];
  const reads = [
    () => `/control/journal?from=${urlValue(random)}`,
    () => `/control/journal?limit=${urlValue(random)}&bin=${urlValue(random)}`,
    () => `/control/journal/download?to=${urlValue(random)}`,
    () => `/control/purchases?qrPaymentId=${urlValue(random)}`,
    () => `/control/purchases/${urlValue(random)}`,
    () => `/control/refunds?qrPaymentId=${urlValue(random)}`,
    () => `/control/${urlValue(random)}`,
  ];
  return {
    writes,
    refused: refusedBodies.map(([target, body]) => ['POST', target, body]),
    malformed: (random) => ({
      method: 'POST',
      target: pick(random, ['/control/faults', '/control/seed', '/control/clock']),
      body: pick(random, [deepJson(33), deepArray(20_000), '{', 'null', `{"a":"${'x'.repeat(70_000)}"}`]),
    }),
    reads,
  };
}

function kaspiShape(status: number, body: unknown): string | undefined {
  const code = (body as { StatusCode?: unknown } | null)?.StatusCode;
  if (typeof code !== 'number') return `no numeric StatusCode: ${JSON.stringify(body).slice(0, 120)}`;
  if (status >= 400 && code === 0) return `HTTP ${status} with StatusCode 0`;
  return undefined;
}

describe('the Kaspi simulator under hostile input', () => {
  it(
    'answers every generated case below 500 in its own shape, and is still there serving afterwards',
    { timeout: 180_000 },
    async () => {
      const random = rng(seed);
      const listener = (
        name: string,
        url: unknown,
        tls: boolean,
        schemes: string[],
        count: number,
      ): Target => {
        const port = portOf(url);
        return {
          name,
          endpoint: { port, tls },
          shape: kaspiShape,
          cases: [...httpLevelCases(`127.0.0.1:${port}`), ...kaspiApiCases(random, schemes, count, port)],
        };
      };
      const plainListener = listener('plain listener', parts.sim.ready.url, false, ['r1', 'r2', 'r3'], 400);
      const targets: Target[] = [
        {
          ...plainListener,
          cases: [
            ...plainListener.cases,
            slowBodyCase(`127.0.0.1:${plainListener.endpoint.port}`, '/r3/v01/qr/create'),
          ],
        },
        listener('r1 listener (TLS)', parts.sim.ready.r1, true, ['r1'], 120),
        listener('r2 listener (TLS)', parts.sim.ready.r2, true, ['r2'], 120),
        listener('r3 listener (TLS)', parts.sim.ready.r3, true, ['r3'], 120),
        controlTarget(random, parts.sim.ready.controlUrl, controlRoutes(random)),
      ];

      await expectWithstood(parts.sim, 'Kaspi simulator', seed, targets);
      // Still serving, and nothing a forged or refused control request asked for happened.
      const health = await fetch(`${String(parts.sim.ready.url)}/r3/v01/health/ping`);
      expect(((await health.json()) as { StatusCode: number }).StatusCode).toBe(0);
      const faults = await fetch(`${String(parts.sim.ready.controlUrl)}/control/faults`);
      expect(await faults.json()).toEqual({ faults: [] });
    },
  );
});
