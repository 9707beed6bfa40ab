import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { sellers, type Seller } from '../../fixtures/organizations.ts';

/** Small HTTP helpers shared by the simulator's tests. */
export interface Answer {
  httpStatus: number;
  body: Record<string, unknown>;
}

export async function call(url: string, init: { method?: string; body?: string } = {}): Promise<Answer> {
  const response = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { 'content-type': 'application/json' },
    body: init.body,
  });
  const text = await response.text();
  // A non-JSON answer is a test failure in itself: the simulator must always answer JSON.
  return { httpStatus: response.status, body: JSON.parse(text) as Record<string, unknown> };
}

export const post = (url: string, body: unknown): Promise<Answer> =>
  call(url, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });

export function data(answer: Answer): Record<string, unknown> {
  return answer.body.Data as Record<string, unknown>;
}

export function sellerAt(index: number): Seller {
  const seller = sellers[index];
  if (!seller) throw new Error(`fixtures need at least ${index + 1} sellers`);
  return seller;
}

export interface WireAnswer {
  /** Everything before the final answer's body, interim (1xx) answers included, as sent. */
  head: string;
  /** The final answer's status line and header lines, in order. */
  statusLine: string;
  headers: [name: string, value: string][];
  body: string;
}

/**
 * One HTTP/1.1 exchange over a fresh socket (plain, or TLS with `tls`), read byte for byte: what a
 * client's parser sees of the header block, interim answers included. `Connection: close`, so the
 * answer ends with the socket.
 */
export function wireExchange(
  url: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  tls?: { ca: string; cert?: string; key?: string },
): Promise<WireAnswer> {
  const target = new URL(url);
  const payload = body === undefined ? '' : JSON.stringify(body);
  const request = [
    `${method} ${path} HTTP/1.1`,
    `Host: mtokentest.kaspi.kz`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(payload)}`,
    'Connection: close',
    '',
    payload,
  ].join('\r\n');
  return new Promise((resolve, reject) => {
    const options = { host: target.hostname, port: Number(target.port) };
    const socket = tls
      ? tlsConnect({ ...options, servername: 'mtokentest.kaspi.kz', ...tls })
      : netConnect(options);
    const chunks: Buffer[] = [];
    socket.on(tls ? 'secureConnect' : 'connect', () => socket.end(request));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('latin1');
      // Interim answers (1xx) come first; the final one is the first non-1xx status line.
      const blocks = raw.split('\r\n\r\n');
      let index = 0;
      while (/^HTTP\/1\.1 1\d\d /.test(blocks[index] ?? '')) index += 1;
      const [statusLine = '', ...lines] = (blocks[index] ?? '').split('\r\n');
      resolve({
        head: blocks.slice(0, index + 1).join('\r\n\r\n') + '\r\n\r\n',
        statusLine,
        headers: lines.map((line) => {
          const colon = line.indexOf(':');
          return [line.slice(0, colon), line.slice(colon + 1).trim()];
        }),
        body: Buffer.from(blocks.slice(index + 1).join('\r\n\r\n'), 'latin1').toString('utf8'),
      });
    });
  });
}
