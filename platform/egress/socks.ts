/**
 * The egress proxy's SOCKS5 side (RFC 1928): no authentication, the CONNECT command, destinations as
 * a domain name, an IPv4 or an IPv6 address. PHP's libcurl reaches https:// through it
 * (`HTTPS_PROXY=socks5h://…`): unlike an HTTP CONNECT proxy, whose "200 Connection established"
 * block curl puts in front of the server's own headers when CURLOPT_HEADER is set, a SOCKS
 * handshake never shows in what curl returns — as on the production server, which reaches Kaspi
 * directly. A client that splits headers from body at the first blank line therefore sees here
 * exactly what it sees there.
 *
 * The handshake is parsed here; what to do with the destination (route, refuse, record) is the
 * proxy's, the same as for an HTTP CONNECT.
 */
import type { Socket } from 'node:net';
import { normalizeHost } from './routes.ts';

export const socksVersion = 0x05;

/** RFC 1928 §6 reply codes the proxy sends. */
export const socksReply = {
  succeeded: 0x00,
  generalFailure: 0x01,
  /** "connection not allowed by ruleset": curl gives up at once and says so. */
  notAllowed: 0x02,
  connectionRefused: 0x05,
  commandNotSupported: 0x07,
  addressTypeNotSupported: 0x08,
} as const;

const noAuthentication = 0x00;
const noAcceptableMethod = 0xff;

export const socksCommands: Record<number, string> = { 1: 'CONNECT', 2: 'BIND', 3: 'UDP ASSOCIATE' };

export interface SocksRequest {
  /** 1 CONNECT, 2 BIND, 3 UDP ASSOCIATE. */
  command: number;
  host: string;
  port: number;
}

/** A parse step: not enough bytes yet, a protocol error (with the reply it deserves), or the value. */
export type SocksParse<T> =
  | { state: 'incomplete' }
  | { state: 'invalid'; reply?: number; why: string }
  | { state: 'done'; value: T; consumed: number };

/** The client's greeting: VER, NMETHODS, METHODS. */
export function parseGreeting(buffer: Buffer): SocksParse<{ methods: number[] }> {
  if (buffer.length < 2) return { state: 'incomplete' };
  if (buffer[0] !== socksVersion) return { state: 'invalid', why: `SOCKS version ${buffer[0]}` };
  const count = buffer[1]!;
  if (buffer.length < 2 + count) return { state: 'incomplete' };
  return { state: 'done', value: { methods: [...buffer.subarray(2, 2 + count)] }, consumed: 2 + count };
}

function ipv6(bytes: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  // URL parsing gives the canonical (compressed) spelling, as a host in a URL would have it.
  return normalizeHost(new URL(`http://[${groups.join(':')}]/`).hostname);
}

/** The request: VER, CMD, RSV, ATYP, DST.ADDR, DST.PORT. */
export function parseRequest(buffer: Buffer): SocksParse<SocksRequest> {
  if (buffer.length < 5) return { state: 'incomplete' };
  if (buffer[0] !== socksVersion) return { state: 'invalid', why: `SOCKS version ${buffer[0]}` };
  const command = buffer[1]!;
  const type = buffer[3]!;
  let host: string;
  let at: number;
  if (type === 0x01) {
    if (buffer.length < 10) return { state: 'incomplete' };
    host = [...buffer.subarray(4, 8)].join('.');
    at = 8;
  } else if (type === 0x03) {
    const length = buffer[4]!;
    if (buffer.length < 5 + length + 2) return { state: 'incomplete' };
    host = normalizeHost(buffer.subarray(5, 5 + length).toString('latin1'));
    at = 5 + length;
  } else if (type === 0x04) {
    if (buffer.length < 22) return { state: 'incomplete' };
    host = ipv6(buffer.subarray(4, 20));
    at = 20;
  } else {
    return {
      state: 'invalid',
      reply: socksReply.addressTypeNotSupported,
      why: `address type ${type}`,
    };
  }
  return { state: 'done', value: { command, host, port: buffer.readUInt16BE(at) }, consumed: at + 2 };
}

/** A reply with an all-zero IPv4 bound address: clients of a CONNECT do not use it. */
export function replyBytes(code: number): Buffer {
  return Buffer.from([socksVersion, code, 0x00, 0x01, 0, 0, 0, 0, 0, 0]);
}

/** How long a client may take over its greeting and request before the proxy hangs up. */
const handshakeTimeoutMs = 10_000;

/**
 * Runs the handshake up to the client's request on `socket`, whose first bytes (`first`, starting
 * with 0x05) the caller already read. Resolves with the request, the socket paused and any bytes
 * the client sent after it (a TLS ClientHello) put back for whoever takes the socket next; resolves
 * `undefined` when the handshake failed and the socket was closed (answered first where the
 * protocol has an answer for it).
 */
export function readSocksRequest(socket: Socket, first: Buffer): Promise<SocksRequest | undefined> {
  return new Promise((resolve) => {
    let buffer = first;
    let stage: 'greeting' | 'request' = 'greeting';
    const timer = setTimeout(() => fail(), handshakeTimeoutMs);
    timer.unref();
    const stop = (): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
    };
    const fail = (answer?: Buffer): void => {
      stop();
      if (answer && socket.writable) socket.end(answer);
      else socket.destroy();
      resolve(undefined);
    };
    const onClose = (): void => fail();
    const step = (): void => {
      if (stage === 'greeting') {
        const greeting = parseGreeting(buffer);
        if (greeting.state === 'incomplete') return;
        if (greeting.state === 'invalid') return fail();
        if (!greeting.value.methods.includes(noAuthentication))
          return fail(Buffer.from([socksVersion, noAcceptableMethod]));
        socket.write(Buffer.from([socksVersion, noAuthentication]));
        buffer = buffer.subarray(greeting.consumed);
        stage = 'request';
      }
      const request = parseRequest(buffer);
      if (request.state === 'incomplete') return;
      if (request.state === 'invalid')
        return fail(request.reply === undefined ? undefined : replyBytes(request.reply));
      stop();
      socket.pause();
      const rest = buffer.subarray(request.consumed);
      if (rest.length > 0) socket.unshift(rest);
      resolve(request.value);
    };
    const onData = (chunk: Buffer): void => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      step();
    };
    socket.on('data', onData);
    socket.on('close', onClose);
    step();
  });
}
