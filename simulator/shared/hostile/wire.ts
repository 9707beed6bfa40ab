/**
 * One hostile exchange on the wire: whatever bytes a case holds go out on a fresh TCP or TLS
 * connection to 127.0.0.1 (a client library would refuse to send most of them), slowly when the
 * case trickles, and what comes back is read until the server closes: an HTTP answer, no reply at
 * all (the connection closed or reset first), or a hang (nothing within the time allowed).
 */
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';

export interface Endpoint {
  port: number;
  tls?: boolean;
}

export interface HostileRequest {
  bytes: Buffer;
  /** Send one byte every `trickleMs` instead of all at once (a slow client)… */
  trickleMs?: number;
  /** …after the first `trickleAfter` bytes, sent at once (a head in time, then a slow body). */
  trickleAfter?: number;
}

export type Outcome =
  | { kind: 'answer'; status: number; headers: Record<string, string>; body: string; ms: number }
  | { kind: 'no-reply'; detail: string; ms: number }
  | { kind: 'hang'; ms: number };

/** `GET /x HTTP/1.1` plus headers (Host first unless `host` is null) and a body, as raw bytes. */
export function rawRequest(options: {
  method: string;
  target: string;
  host?: string | null;
  headers?: readonly [string, string][];
  body?: string | Buffer;
  /** Content-Length as given, or computed from the body when absent (`null`: none). */
  contentLength?: string | null;
  version?: string;
}): Buffer {
  const lines = [`${options.method} ${options.target} ${options.version ?? 'HTTP/1.1'}`];
  if (options.host !== null) lines.push(`Host: ${options.host ?? '127.0.0.1'}`);
  for (const [name, value] of options.headers ?? []) lines.push(`${name}: ${value}`);
  const body = options.body === undefined ? Buffer.alloc(0) : Buffer.from(options.body);
  if (options.contentLength !== null) {
    if (options.contentLength !== undefined) lines.push(`Content-Length: ${options.contentLength}`);
    else if (body.length > 0) lines.push(`Content-Length: ${body.length}`);
  }
  lines.push('Connection: close');
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

function parse(bytes: Buffer, ms: number): Outcome | undefined {
  const end = bytes.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const [statusLine = '', ...headerLines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!match) return undefined;
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = bytes.subarray(end + 4);
  const length = Number(headers['content-length'] ?? rest.length);
  const body = /chunked/i.test(headers['transfer-encoding'] ?? '')
    ? dechunk(rest)
    : rest.subarray(0, Number.isFinite(length) ? length : rest.length);
  return { kind: 'answer', status: Number(match[1]), headers, body: body.toString('utf8'), ms };
}

/** A chunked body's content (what arrived of it). */
function dechunk(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at);
    if (lineEnd === -1) break;
    const size = parseInt(bytes.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

export function exchange(endpoint: Endpoint, request: HostileRequest, timeoutMs: number): Promise<Outcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    let trickle: NodeJS.Timeout | undefined;
    const socket: Socket = endpoint.tls
      ? connectTls({
          host: '127.0.0.1',
          port: endpoint.port,
          rejectUnauthorized: false,
          servername: 'localhost',
        })
      : connectTcp({ host: '127.0.0.1', port: endpoint.port });
    const settle = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(trickle);
      socket.destroy();
      resolve(outcome);
    };
    const finish = (detail: string): void => {
      const bytes = Buffer.concat(chunks);
      settle(
        parse(bytes, elapsed()) ?? {
          kind: 'no-reply',
          detail:
            bytes.length === 0
              ? detail
              : `unparsable answer: ${JSON.stringify(bytes.subarray(0, 60).toString('latin1'))}`,
          ms: elapsed(),
        },
      );
    };
    const timer = setTimeout(() => {
      // A complete answer on a connection the server keeps open is still an answer.
      const answer = parse(Buffer.concat(chunks), elapsed());
      settle(answer ?? { kind: 'hang', ms: elapsed() });
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => finish('closed without a byte'));
    socket.on('close', () => finish('closed without a byte'));
    socket.on('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
    socket.once(endpoint.tls ? 'secureConnect' : 'connect', () => {
      if (request.trickleMs === undefined) {
        socket.write(request.bytes);
        return;
      }
      let next = request.trickleAfter ?? 0;
      if (next > 0) socket.write(request.bytes.subarray(0, next));
      trickle = setInterval(() => {
        if (next >= request.bytes.length || socket.destroyed) return clearInterval(trickle);
        socket.write(request.bytes.subarray(next, next + 1));
        next += 1;
      }, request.trickleMs);
    });
  });
}
