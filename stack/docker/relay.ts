/**
 * Byte relays between unix sockets and TCP, for the bitrix container, which has no network at all
 * (`network_mode: none`): its only ways in and out are unix sockets in a volume it shares with the
 * sandbox container. The sandbox side lives here; the bitrix side is socat (docker/bitrix/entrypoint.sh).
 *
 *   egress.sock   → the egress proxy        (PHP's HTTPS_PROXY, via 127.0.0.1:<egress port> in bitrix)
 *   mariadb.sock  → MariaDB                  (dbconn.php's 127.0.0.1:<mariadb port> in bitrix)
 *   TCP <bitrix port> → bitrix-http.sock     (the harness's and the browser's way to php -S)
 */
import { chmod, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { spliceSockets } from '../socket-splice.ts';

export interface Relay {
  close(): Promise<void>;
}

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

export interface RelaySpec {
  /** Unix socket → TCP target (the sandbox serving bitrix), or TCP listener → unix socket. */
  kind: 'unix-to-tcp' | 'tcp-to-unix';
  socketPath: string;
  host: string;
  port: number;
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
      if (spec.kind === 'unix-to-tcp') {
        const server = relayServer(() => connect({ host: spec.host, port: spec.port }), sockets);
        // A socket file left by an earlier container would make listen() fail with EADDRINUSE.
        await rm(spec.socketPath, { force: true });
        await listening(server, (done) => server.listen(spec.socketPath, done));
        servers.push(server);
        await chmod(spec.socketPath, 0o666);
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
  return { close };
}
