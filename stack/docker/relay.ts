/**
 * Byte relays between unix sockets and TCP, for the bitrix container, which has no network at all
 * (`network_mode: none`): its only ways in and out are unix sockets in a volume it shares with the
 * sandbox container. The sandbox side lives here; the bitrix side is socat (docker/bitrix/entrypoint.sh).
 *
 *   egress.sock   → the egress proxy        (PHP's HTTPS_PROXY, via 127.0.0.1:<egress port> in bitrix),
 *                   served by the proxy itself: it knows these connections are PHP's
 *   mariadb.sock  → MariaDB                  (dbconn.php's 127.0.0.1:<mariadb port> in bitrix)
 *   TCP <bitrix port> → bitrix-http.sock     (the harness's and the browser's way to php -S)
 */
import { chmod, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { running, type Running } from '../../platform/lifecycle.ts';
import { spliceSockets } from '../../platform/socket-splice.ts';

export type Relay = Running;

type Dial = () => Socket;

function relayServer(dial: Dial, sockets: Set<Socket>): Server {
  return createServer((client) => {
    const upstream = dial();
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    spliceSockets(client, upstream);
  });
}

async function listening(server: Server, listen: (done: () => void) => void): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    listen(() => {
      server.off('error', reject);
      resolve();
    });
  });
}

export type RelaySpec =
  | {
      /** Unix socket → TCP target (the sandbox serving bitrix), or TCP listener → unix socket. */
      kind: 'unix-to-tcp' | 'tcp-to-unix';
      socketPath: string;
      host: string;
      port: number;
    }
  | {
      /** A unix socket whose connections a server of this process takes over (the egress proxy). */
      kind: 'unix-served';
      socketPath: string;
      accept(socket: Socket): void;
    };

/** Listens on a unix socket the bitrix container's user can connect to. */
async function listenOnSocketFile(server: Server, socketPath: string): Promise<void> {
  // A socket file left by an earlier container would make listen() fail with EADDRINUSE.
  await rm(socketPath, { force: true });
  await listening(server, (done) => server.listen(socketPath, done));
  await chmod(socketPath, 0o666);
}

/** Starts every relay; sockets are made connectable for the bitrix container's user (its dir guards them). */
export async function startRelays(specs: readonly RelaySpec[]): Promise<Relay> {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const close = async (): Promise<void> => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  };
  try {
    for (const spec of specs) {
      if (spec.kind === 'unix-served') {
        const server = createServer((client) => {
          sockets.add(client);
          client.on('close', () => sockets.delete(client));
          spec.accept(client);
        });
        servers.push(server);
        await listenOnSocketFile(server, spec.socketPath);
      } else if (spec.kind === 'unix-to-tcp') {
        const server = relayServer(() => connect({ host: spec.host, port: spec.port }), sockets);
        servers.push(server);
        await listenOnSocketFile(server, spec.socketPath);
      } else {
        const server = relayServer(() => connect({ path: spec.socketPath }), sockets);
        await listening(server, (done) => server.listen(spec.port, spec.host, done));
        servers.push(server);
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
  return running<Relay>({}, close);
}
