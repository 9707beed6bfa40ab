/**
 * The hostile cases, generated from a seed (the same seed, the same requests, in the same order):
 * what a careless or malicious client, a fuzzer or a web page could send each kind of listener.
 * Every case is malformed, forged or out of range by construction, so none is a well-formed request
 * that could legitimately change state (a valid fault install, a service switched down) or call out
 * (a valid payment the unwired payment-service would answer 500, as the real one does).
 *
 * A case may say what it must get (`expect`); every case must get an HTTP answer below 500 in
 * the listener's own shape, without a stack trace or a file's content (run.ts checks that).
 */
import { seededRandom } from '../random.ts';
import { rawRequest, type HostileRequest } from './wire.ts';

export type Rng = () => number;

export interface HostileCase {
  /** What kind of hostility, for the failure list (`deep JSON`, `forged Origin`, …). */
  label: string;
  request: HostileRequest;
  /** Status codes this case must get, beyond the general rules. */
  expect?: readonly number[];
  /** Longest acceptable wait for the answer, when it is part of the point (timeouts). */
  withinMs?: number;
}

export const rng = (seed: number): Rng => seededRandom(seed);
export const pick = <T>(random: Rng, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const junk = (random: Rng, length: number) =>
  Array.from({ length }, () => String.fromCharCode(32 + Math.floor(random() * 95))).join('');

/** Values no field of either simulator should take as they come. */
export const hostileValues: readonly unknown[] = [
  null,
  true,
  [],
  {},
  '',
  'x'.repeat(5_000),
  'a\u0000b',
  '\ud800',
  '<script>alert(1)</script>',
  "'; DROP TABLE paymentconfig; --",
  { $gt: '' },
  -1,
  0,
  1.5,
  1e308,
  -1e308,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 64,
  '2147483648',
  '1e400',
  'NaN',
  'Infinity',
];

/** JSON text with numbers JSON.stringify cannot write (1e400 is infinity to a parser). */
export const rawNumberValues = ['1e400', '-1e400', '1' + '0'.repeat(400), '-0', '1e-400'];

export const deepJson = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
export const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** Bodies that are not what any route takes, in every way but the route's own fields. */
export function badBody(random: Rng): string {
  switch (Math.floor(random() * 8)) {
    case 0:
      return pick(random, [
        '{',
        '{"a":',
        '{oops}',
        "{'a':1}",
        '[1,2',
        '{"a":1}}',
        '\u0000\u0001',
        junk(random, 40),
      ]);
    case 1:
      return pick(random, ['[]', '42', 'null', '"text"', 'true', ' ', '[{"a":1}]']);
    case 2:
      return pick(random, [deepJson(40), deepArray(20_000), deepJson(5_000)]);
    case 3:
      return JSON.stringify({ [junk(random, 8)]: pick(random, hostileValues) });
    case 4:
      return Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256))).toString('latin1');
    case 5:
      return `{"value":${pick(random, rawNumberValues)}}`;
    case 6:
      return JSON.stringify({ value: 'x'.repeat(100_000) });
    default:
      return `{"a":"${'\\u0000'.repeat(10)}"}`;
  }
}

const json: [string, string] = ['Content-Type', 'application/json'];

/**
 * HTTP itself, malformed or hostile, the same for every listener: methods no route takes,
 * targets new URL() chokes on, headers Node's parser refuses, and slow clients.
 */
export function httpLevelCases(host: string): HostileCase[] {
  const request = (bytes: string | Buffer) => ({ bytes: Buffer.from(bytes) });
  const cases: HostileCase[] = [
    { label: 'TRACE', request: { bytes: rawRequest({ method: 'TRACE', target: '/', host }) } },
    { label: 'TRACK', request: { bytes: rawRequest({ method: 'TRACK', target: '/', host }) } },
    { label: 'PROPFIND', request: { bytes: rawRequest({ method: 'PROPFIND', target: '/', host }) } },
    {
      label: 'CONNECT to a non-proxy',
      request: { bytes: rawRequest({ method: 'CONNECT', target: '127.0.0.1:1', host: '127.0.0.1:1' }) },
      expect: [405],
    },
    { label: 'OPTIONS *', request: { bytes: rawRequest({ method: 'OPTIONS', target: '*', host }) } },
    ...['//', '//a:b', '///x', '/%', '/%E0%A4%A', '/..%2f..%2fetc%2fpasswd', '/%00', '/\\x'].map(
      (target): HostileCase => ({
        label: `target ${target}`,
        request: { bytes: rawRequest({ method: 'GET', target, host }) },
      }),
    ),
    ...['http://a:b/', 'http://evil.example/x', 'https://[::1/'].map((target): HostileCase => ({
      label: `absolute target ${target}`,
      request: { bytes: rawRequest({ method: 'GET', target, host }) },
    })),
    {
      label: 'target of 12 KB',
      request: { bytes: rawRequest({ method: 'GET', target: `/${'a'.repeat(12_000)}`, host }) },
    },
    {
      label: 'headers over 16 KB',
      request: {
        bytes: rawRequest({ method: 'GET', target: '/', host, headers: [['X-Big', 'a'.repeat(20_000)]] }),
      },
      expect: [431],
    },
    {
      label: 'a header name with a space',
      request: request(`GET / HTTP/1.1\r\nHost: ${host}\r\nBad Header: x\r\n\r\n`),
      expect: [400],
    },
    {
      label: 'a control character in a header value',
      request: request(`GET / HTTP/1.1\r\nHost: ${host}\r\nX-A: a\u0001b\r\n\r\n`),
      expect: [400],
    },
    {
      label: 'two different Content-Lengths',
      request: request(
        `POST / HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`,
      ),
      expect: [400],
    },
    {
      label: 'Content-Length and chunked together (request smuggling)',
      request: request(
        `POST / HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      ),
      expect: [400],
    },
    {
      label: 'a malformed chunk',
      request: request(
        `POST / HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n`,
      ),
      expect: [400],
    },
    {
      label: 'a negative Content-Length',
      request: request(`POST / HTTP/1.1\r\nHost: ${host}\r\nContent-Length: -5\r\n\r\n`),
      expect: [400],
    },
    {
      label: 'HTTP/1.1 without Host',
      request: { bytes: rawRequest({ method: 'GET', target: '/', host: null }) },
      expect: [400],
    },
    {
      label: 'HTTP/1.0 without Host',
      request: { bytes: rawRequest({ method: 'GET', target: '/', host: null, version: 'HTTP/1.0' }) },
    },
    { label: 'HTTP/2 preface', request: request('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n') },
    { label: 'not HTTP at all', request: request('\u0016\u0003\u0001\u0000\u00a5\u0001garbage\r\n\r\n') },
    {
      label: 'headers trickled one byte a second',
      request: {
        bytes: rawRequest({ method: 'GET', target: '/', host, headers: [['X-Slow', 'a'.repeat(40)]] }),
        trickleMs: 1_000,
      },
      expect: [408],
      withinMs: 8_000,
    },
  ];
  return cases;
}

/** A body that arrives slower than a request may take (once per simulator: it takes ~10 s). */
export function slowBodyCase(host: string, target: string): HostileCase {
  const head = rawRequest({ method: 'POST', target, host, headers: [json], contentLength: '200' });
  return {
    label: 'the head at once, then a body one byte every 100 ms (20 s in all)',
    request: {
      bytes: Buffer.concat([head, Buffer.alloc(200, 0x20)]),
      trickleMs: 100,
      trickleAfter: head.length,
    },
    expect: [408],
    withinMs: 13_000,
  };
}

/** A write as a page of another origin could make a browser send it (control-guard.ts must refuse). */
export function forgedWrite(random: Rng, method: string, target: string, port: number): HostileCase {
  const own = `127.0.0.1:${port}`;
  const variants: [string, string | null, [string, string][]][] = [
    ['foreign Host (DNS rebinding)', `rebind.attacker.example:${port}`, [json]],
    ['foreign Origin', own, [['Origin', 'https://attacker.example'], json]],
    ['Origin null', own, [['Origin', 'null'], json]],
    ['another loopback origin', own, [['Origin', `http://127.0.0.1:${port + 1}`], json]],
    ['cross-site fetch', own, [['Sec-Fetch-Site', 'cross-site'], json]],
    ['text/plain form post', own, [['Content-Type', 'text/plain']]],
    ['urlencoded form post', own, [['Content-Type', 'application/x-www-form-urlencoded']]],
    ['no content type', own, []],
  ];
  const [label, host, headers] = pick(random, variants);
  return {
    label: `forged ${method} ${target}: ${label}`,
    request: { bytes: rawRequest({ method, target, host, headers, body: '{}' }) },
    expect: [403],
  };
}

/** A JSON write from a program (it passes the guard) with a body the route must refuse. */
export function jsonWrite(
  method: string,
  target: string,
  body: string,
  port: number,
  expect?: number[],
): HostileCase {
  return {
    label: `${method} ${target.slice(0, 60)} ${body.slice(0, 60)}`,
    request: { bytes: rawRequest({ method, target, host: `127.0.0.1:${port}`, headers: [json], body }) },
    ...(expect ? { expect } : {}),
  };
}

/** A plain request (a read, or a write the route takes whatever it says). */
export function plain(
  method: string,
  target: string,
  port: number,
  body?: string,
  headers: [string, string][] = [],
): HostileCase {
  return {
    label: `${method} ${target.slice(0, 80)}`,
    request: { bytes: rawRequest({ method, target, host: `127.0.0.1:${port}`, headers, body }) },
  };
}

/** A value as it would sit in a query string or path segment. */
export function urlValue(random: Rng): string {
  const value = String(
    pick(random, [
      ...hostileValues.filter((item) => typeof item !== 'object' || item === null),
      '1e308',
      '99999999999999999999',
      '-1',
      '0x10',
      ' 1 ',
      '1_000',
    ]),
  );
  try {
    return encodeURIComponent(value);
  } catch {
    // A lone surrogate has no UTF-8: the bytes a careless encoder would send for it.
    return '%ED%A0%80';
  }
}
