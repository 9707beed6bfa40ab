/**
 * spliceSockets() as every relay uses it, over real sockets: TCP and unix clients, TCP and unix
 * upstreams that refuse, reset, half-close or answer a half-closed client. What each side sees is
 * what it would see talking to the other directly, as far as its socket type can tell (a unix
 * socket has no reset), and the relay process lives through all of it (an exception here would be
 * an uncaught one, failing the file).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useParts } from './testing.ts';
import { assemble } from './lifecycle.ts';
import { scratchDir } from './run-dir.ts';
import { spliceSockets } from './socket-splice.ts';

const parts = useParts(assemble().with('dir', () => scratchDir('kh-splice-')));
const servers: Server[] = [];
const sockets = new Set<Socket>();
let serial = 0;

afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

type Where = { port: number } | { path: string };
type Kind = 'tcp' | 'unix';

function track(socket: Socket): Socket {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  return socket;
}

async function listen(kind: Kind, onConnection: (socket: Socket) => void): Promise<Where> {
  const server = createServer({ allowHalfOpen: true }, (socket) => onConnection(track(socket)));
  servers.push(server);
  if (kind === 'unix') {
    const path = join(parts.dir.path, `s${(serial += 1)}.sock`);
    await new Promise<void>((resolve) => server.listen(path, resolve));
    return { path };
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port };
}

/** `halfOpen`: the socket stays open for writing after the other side's end, until it ends itself. */
const dial = (where: Where, halfOpen = false): Socket =>
  track(
    'path' in where
      ? connect({ path: where.path, allowHalfOpen: halfOpen })
      : connect({ host: '127.0.0.1', port: where.port, allowHalfOpen: halfOpen }),
  );

/** A relay as stack/docker/relay.ts and forward.ts build them. */
const relay = (kind: Kind, upstream: Where) =>
  listen(kind, (client) => spliceSockets(client, dial(upstream)));

/** Where nothing listens: a closed TCP port, or a unix socket path nobody serves. */
async function nowhere(kind: Kind): Promise<Where> {
  if (kind === 'unix') return { path: join(parts.dir.path, `none${(serial += 1)}.sock`) };
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return { port };
}

interface Seen {
  data: string;
  /** `end`: a clean FIN; otherwise the error code the socket reported. */
  how: string;
}

/**
 * Everything a socket receives until it is closed, and how it was closed. It ends its own side on
 * the other's end, as an ordinary peer does (the servers here are half-open until they do).
 */
function collect(socket: Socket): Promise<Seen> {
  return new Promise((resolve) => {
    let data = '';
    let how = 'end';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('end', () => socket.end());
    socket.on('error', (error: NodeJS.ErrnoException) => (how = error.code ?? error.message));
    socket.on('close', () => resolve({ data, how }));
  });
}

const clientKinds: Kind[] = ['tcp', 'unix'];
const upstreamKinds: Kind[] = ['tcp', 'unix'];

describe.each(clientKinds)('a %s client', (clientKind) => {
  describe.each(upstreamKinds)('through a relay to a %s upstream', (upstreamKind) => {
    // What a client of this kind can be told about a failure: TCP gets a reset, unix an end.
    const failure = clientKind === 'tcp' ? 'ECONNRESET' : 'end';

    it('that refuses: the client is told at once, the relay lives on', async () => {
      const via = await relay(clientKind, await nowhere(upstreamKind));
      const client = dial(via);
      client.on('connect', () => client.write('GET / HTTP/1.1\r\n\r\n'));
      expect(await collect(client)).toEqual({ data: '', how: failure });
      // The same relay still serves the next connection.
      expect((await collect(dial(via))).how).toBe(failure);
    });

    it('that answers and then resets: the client gets the bytes sent before, then the failure', async () => {
      const upstream = await listen(upstreamKind, (socket) => {
        socket.once('data', () => {
          socket.write('partial answer', () => {
            // A unix socket cannot reset; destroying it with data unread is its hardest close.
            if (upstreamKind === 'tcp') setTimeout(() => socket.resetAndDestroy(), 50);
            else setTimeout(() => socket.destroy(), 50);
          });
        });
      });
      const client = dial(await relay(clientKind, upstream));
      client.write('request');
      const seen = await collect(client);
      expect(seen.data).toBe('partial answer');
      // A unix upstream's close is an end, which reaches the client as one.
      expect(seen.how).toBe(upstreamKind === 'tcp' ? failure : 'end');
    });

    it('that half-closes: the client gets the answer and its end, and can still send', async () => {
      let received!: Promise<Seen>;
      const upstream = await listen(upstreamKind, (socket) => {
        let data = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => (data += chunk));
        received = new Promise((resolve) => socket.on('end', () => resolve({ data, how: 'end' })));
        socket.end('answer, then FIN');
      });
      const client = dial(await relay(clientKind, upstream), true);
      const seen = new Promise<string>((resolve) => {
        let data = '';
        client.setEncoding('utf8');
        client.on('data', (chunk: string) => (data += chunk));
        client.on('end', () => resolve(data));
      });
      expect(await seen).toBe('answer, then FIN');
      client.end('sent after the upstream ended');
      expect(await received).toEqual({ data: 'sent after the upstream ended', how: 'end' });
    });

    it('to a client that half-closes after its request: the answer still comes back', async () => {
      const upstream = await listen(upstreamKind, (socket) => {
        let request = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => (request += chunk));
        socket.on('end', () => socket.end(`got ${request}`));
      });
      const client = dial(await relay(clientKind, upstream), true);
      client.end('ping');
      expect(await collect(client)).toEqual({ data: 'got ping', how: 'end' });
    });

    it('when the client resets: the upstream is told as faithfully as it can be', async () => {
      let upstreamSaw!: Promise<Seen>;
      let arrived!: () => void;
      const connected = new Promise<void>((resolve) => (arrived = resolve));
      const upstream = await listen(upstreamKind, (socket) => {
        upstreamSaw = collect(socket);
        socket.once('data', () => arrived());
      });
      const client = dial(await relay(clientKind, upstream));
      client.write('hello');
      await connected;
      if (clientKind === 'tcp') client.resetAndDestroy();
      else client.destroy();
      const seen = await upstreamSaw;
      expect(seen.data).toBe('hello');
      // Only a TCP client can reset, and only a TCP upstream can be reset.
      expect(seen.how).toBe(clientKind === 'tcp' && upstreamKind === 'tcp' ? 'ECONNRESET' : 'end');
    });

    it('carries a large answer intact', async () => {
      const big = 'x'.repeat(4 * 1024 * 1024);
      const upstream = await listen(upstreamKind, (socket) => {
        socket.once('data', () => socket.end(big));
      });
      const client = dial(await relay(clientKind, upstream));
      client.write('send it');
      const seen = await collect(client);
      expect(seen.how).toBe('end');
      expect(seen.data.length).toBe(big.length);
    });
  });
});
