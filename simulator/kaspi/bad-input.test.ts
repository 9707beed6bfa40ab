/**
 * Hostile input at volume: 10,000+ generated bad requests (seeded, so a failure replays) over real
 * HTTP on loopback with bounded concurrency. Every answer must be a JSON envelope with a non-zero
 * StatusCode, the server must still serve a good request afterwards, and the journal must have
 * recorded every request.
 */
import { Agent, request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { useParts } from '../../platform/testing.ts';
import { assemble } from '../../platform/lifecycle.ts';
import { seededRandom } from '../shared/random.ts';
import { startKaspiSimulator } from './server.ts';
import { post, sellerAt } from './test-helpers.ts';

const org = sellerAt(0);
const total = 10_000;
const concurrency = 16;

interface BadRequest {
  method: string;
  path: string;
  body?: string | Buffer;
  contentType?: string;
}

function generator(seed: number): () => BadRequest {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const scheme = () => pick(['r1', 'r2', 'r3']);
  const junk = (length: number) =>
    Array.from({ length }, () => String.fromCharCode(32 + Math.floor(random() * 95))).join('');

  const badAmounts: unknown[] = [
    0,
    -1,
    -0.01,
    1e308,
    1e10,
    1.001,
    '1500',
    null,
    true,
    [],
    {},
    'NaN',
    -1e-9,
    2 ** 64,
  ];
  const badValues: unknown[] = [null, 42, true, [], {}, '', 'x'.repeat(5000), { $gt: '' }, -1, 1.5];
  const fields = [
    'DeviceToken',
    'Amount',
    'ExternalId',
    'OrganizationBin',
    'TradePointId',
    'DeviceId',
    'qrPaymentId',
  ];

  /** `forCreate`: the real device token may be used (a delete with it would be a good request). */
  const badBody = (forCreate = false): string => {
    switch (Math.floor(random() * 9)) {
      case 0: // malformed JSON
        return pick(['{', '{"Amount":', '{oops}', "{'a':1}", '[1,2', '{"a":1}}', '\u0000\u0001', junk(40)]);
      case 1: // not an object
        return pick(['[]', '42', 'null', '"text"', 'true', '', ' ', '[{"DeviceToken":"x"}]']);
      case 2: // wrong types in every field
        return JSON.stringify(Object.fromEntries(fields.map((f) => [f, pick(badValues)])));
      case 3: // real token (create only), bad amount
        return JSON.stringify({
          DeviceToken: forCreate ? org.deviceToken : junk(36),
          Amount: pick(badAmounts),
          OrganizationBin: org.bin,
        });
      case 4: // missing required fields, unknown fields only
        return JSON.stringify({ [junk(8)]: junk(8), extra: pick(badValues) });
      case 5: // wrong casing of fields
        return JSON.stringify({ deviceToken: org.deviceToken, amount: 100, organizationBin: org.bin });
      case 6: // deep nesting
        return `${'{"a":'.repeat(500)}1${'}'.repeat(500)}`;
      case 7: // unknown token with a fine amount
        return JSON.stringify({ DeviceToken: junk(36), Amount: 100, OrganizationBin: junk(12) });
      default: // invalid UTF-8 / binary
        return Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256))).toString('latin1');
    }
  };

  const postPaths = ['qr/create', 'qr/create-link', 'device/register', 'device/delete'];
  return () => {
    const contentType = pick([
      'application/json',
      'text/plain',
      'application/xml',
      'multipart/form-data',
      undefined,
    ]);
    switch (Math.floor(random() * 8)) {
      case 0:
      case 1:
      case 2: {
        // real POST endpoints, bad bodies
        const path = pick(postPaths);
        return {
          method: 'POST',
          path: `/${scheme()}/v01/${path}`,
          body: badBody(path.startsWith('qr/')),
          contentType,
        };
      }
      case 3: // emulators with bad ids
        return {
          method: 'POST',
          path: `/test/payment/${pick(['scan', 'confirm', 'scanerror', 'confirmerror'])}`,
          body: pick([
            badBody(),
            JSON.stringify({ qrPaymentId: pick(badValues) }),
            '{"qrPaymentId":"999999999999"}',
          ]),
          contentType,
        };
      case 4: // status of ids that do not exist or are not ids
        return {
          method: 'GET',
          path: `/${scheme()}/v01/payment/status/${encodeURIComponent(pick(['0', '-1', 'abc', '1e5', '9'.repeat(40), junk(10)]))}`,
        };
      case 5: // wrong method on real endpoints
        return {
          method: pick(['PUT', 'DELETE', 'PATCH']),
          path: `/${scheme()}/v01/${pick([...postPaths, 'health/ping', 'partner/tradepoints'])}`,
          body: badBody(),
          contentType,
        };
      case 6: // near misses and nonsense paths
        return {
          method: pick(['GET', 'POST']),
          path: pick([
            `/r4/v01/qr/create`,
            `/${scheme()}/v1/qr/create`,
            '/qr/create',
            `/${scheme()}/v01/qr/create/extra`,
            `/${encodeURIComponent(junk(20))}`,
            `/${'a/'.repeat(200)}`,
            '/%',
            '/..%2f..%2fetc/passwd',
          ]),
          body: badBody(),
          contentType,
        };
      default: // a rare body over 1 MiB
        return random() < 0.02
          ? {
              method: 'POST',
              path: `/${scheme()}/v01/qr/create`,
              body: Buffer.alloc(1024 * 1024 + 10, 0x20),
              contentType,
            }
          : { method: 'POST', path: `/${scheme()}/v01/qr/create`, body: badBody(), contentType };
    }
  };
}

interface Outcome {
  status: number;
  contentType: string;
  body: string;
}

const parts = useParts(assemble().with('sim', () => startKaspiSimulator({ tls: false })));
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
afterAll(() => agent.destroy());

function send(base: URL, bad: BadRequest): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (bad.contentType) headers['content-type'] = bad.contentType;
    if (bad.body !== undefined) headers['content-length'] = Buffer.byteLength(bad.body, 'latin1');
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        method: bad.method,
        path: bad.path,
        headers,
        agent,
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type']),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${bad.method} ${bad.path}`)));
    req.on('error', reject);
    req.end(
      bad.body === undefined
        ? undefined
        : typeof bad.body === 'string'
          ? Buffer.from(bad.body, 'latin1')
          : bad.body,
    );
  });
}

describe('bad input at volume', () => {
  it(
    `answers ${total} generated bad requests with Kaspi-style JSON envelopes and keeps serving`,
    { timeout: 180_000 },
    async () => {
      const next = generator(20_240_501);
      const base = new URL(parts.sim.url);
      const before = parts.sim.journal.total;
      const failures: string[] = [];
      let sent = 0;
      const started = Date.now();

      const worker = async () => {
        while (sent < total && Date.now() - started < 150_000) {
          sent += 1;
          const bad = next();
          const outcome = await send(base, bad);
          let parsed: unknown;
          try {
            parsed = JSON.parse(outcome.body);
          } catch {
            parsed = undefined;
          }
          const code = (parsed as { StatusCode?: unknown } | undefined)?.StatusCode;
          const ok =
            outcome.contentType.startsWith('application/json') &&
            typeof parsed === 'object' &&
            parsed !== null &&
            typeof code === 'number' &&
            code !== 0 &&
            outcome.status < 500;
          if (!ok && failures.length < 10)
            failures.push(
              `${bad.method} ${bad.path} ${String(bad.body).slice(0, 120)} → ${outcome.status} ${outcome.body.slice(0, 200)}`,
            );
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));

      expect(failures).toEqual([]);
      expect(sent).toBeGreaterThanOrEqual(total);
      const good = await post(`${parts.sim.url}/r3/v01/qr/create`, {
        DeviceToken: org.deviceToken,
        Amount: 100,
        OrganizationBin: org.bin,
      });
      expect(good.body.StatusCode).toBe(0);
      expect(parts.sim.journal.total - before).toBe(sent + 1);
      const entries = parts.sim.journal.entries();
      expect(entries.at(-1)?.statusCode).toBe(0);
      expect(entries.slice(0, -1).every((entry) => entry.statusCode !== 0)).toBe(true);
    },
  );
});
