/**
 * The load generator, in its own process: N keep-alive connections over raw `net` sockets (a
 * minimal HTTP/1.1 client, far cheaper than node:http's, so the client is not the bottleneck on a
 * 2-core box). Each connection loops `POST /r1/v01/qr/create` then `GET /r1/v01/payment/status/{id}`
 * with the id from the answer. Loopback only; stops at `requests` or `seconds`, whichever first.
 * Reports `{ result: LoadResult }` over IPC (or prints it when run by hand).
 */
import { connect, type Socket } from 'node:net';

export interface LoadOptions {
  url: string;
  connections: number;
  requests: number;
  seconds: number;
  deviceToken: string;
}

export interface LoadResult {
  requests: number;
  errors: number;
  nonZeroStatusCodes: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
const target = new URL(options.url);
if (target.hostname !== '127.0.0.1' && target.hostname !== 'localhost') throw new Error('loopback only');

const createBody = JSON.stringify({ DeviceToken: options.deviceToken, Amount: 1500, ExternalId: 'bench' });
const createRequest =
  `POST /r1/v01/qr/create HTTP/1.1\r\nHost: ${target.host}\r\nContent-Type: application/json\r\n` +
  `Content-Length: ${Buffer.byteLength(createBody)}\r\n\r\n${createBody}`;
const statusRequest = (id: string) =>
  `GET /r1/v01/payment/status/${id} HTTP/1.1\r\nHost: ${target.host}\r\n\r\n`;

// Latencies in 10 µs buckets up to 1 s: constant memory however many requests are sent.
const buckets = new Uint32Array(100_001);
let sent = 0;
let done = 0;
let errors = 0;
let nonZero = 0;
let maxMs = 0;
const started = performance.now();
const deadline = started + options.seconds * 1000;

function record(ms: number): void {
  buckets[Math.min(buckets.length - 1, Math.round(ms * 100))]! += 1;
  if (ms > maxMs) maxMs = ms;
}

function percentile(p: number): number {
  const wanted = Math.ceil(done * p);
  let seen = 0;
  for (let i = 0; i < buckets.length; i += 1) {
    seen += buckets[i]!;
    if (seen >= wanted) return i / 100;
  }
  return maxMs;
}

function runConnection(): Promise<void> {
  return new Promise((resolve) => {
    const socket: Socket = connect({ host: target.hostname, port: Number(target.port) });
    socket.setNoDelay(true);
    let buffer = '';
    let sentAt = 0;
    let nextId: string | null = null;

    const next = () => {
      if (sent >= options.requests || performance.now() > deadline) {
        socket.end();
        resolve();
        return;
      }
      sent += 1;
      sentAt = performance.now();
      socket.write(nextId === null ? createRequest : statusRequest(nextId));
    };

    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      for (;;) {
        const headerEnd = buffer.indexOf('\r\n\r\n');
        if (headerEnd === -1) return;
        const length = Number(/content-length: *(\d+)/i.exec(buffer.slice(0, headerEnd))?.[1] ?? 0);
        if (buffer.length < headerEnd + 4 + length) return;
        const body = buffer.slice(headerEnd + 4, headerEnd + 4 + length);
        buffer = buffer.slice(headerEnd + 4 + length);
        record(performance.now() - sentAt);
        done += 1;
        if (!body.startsWith('{"StatusCode":0')) nonZero += 1;
        nextId = nextId === null ? (/"QrPaymentId":(\d+)/.exec(body)?.[1] ?? null) : null;
        next();
      }
    });
    socket.on('error', () => {
      errors += 1;
      resolve();
    });
    socket.on('connect', next);
  });
}

await Promise.all(Array.from({ length: options.connections }, runConnection));
const seconds = (performance.now() - started) / 1000;
const result: LoadResult = {
  requests: done,
  errors,
  nonZeroStatusCodes: nonZero,
  seconds: Math.round(seconds * 100) / 100,
  perSecond: Math.round(done / seconds),
  p50Ms: percentile(0.5),
  p99Ms: percentile(0.99),
  maxMs: Math.round(maxMs * 100) / 100,
};
if (process.send) process.send({ result });
else console.log(result);
process.disconnect?.();
