/**
 * A server of the harness's own — HTTP, HTTPS or raw TCP — listening, as a running part: bound to
 * loopback on the port asked for or one the kernel picks; `stop()` drops every open connection (a
 * client that keeps one open must not hold the stop up) and closes the port.
 */
import { once } from 'node:events';
import type { Server, Socket } from 'node:net';
import { running, type Running } from './lifecycle.ts';

export interface Listening<S extends Server> extends Running {
  server: S;
  port: number;
}

export interface ListenOptions {
  port?: number;
  /** A loopback address: 127.0.0.1 unless a test needs a second one (127.0.0.2). */
  host?: string;
}

export async function listening<S extends Server>(
  server: S,
  options: ListenOptions = {},
): Promise<Listening<S>> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('the server has no TCP address');
  return running<Listening<S>>(
    { server, port: address.port },
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  );
}
