/**
 * Bridge networking only: the simulators bind 127.0.0.1 (as everywhere in the harness), which other
 * containers and compose's published ports cannot reach. This forwards the container's own
 * (non-loopback) addresses on the same port to 127.0.0.1, byte for byte. On the host network it is
 * not used: there the simulators' loopback listeners are the host's.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { spliceSockets } from '../../platform/socket-splice.ts';
import { running, type Running } from '../../platform/lifecycle.ts';

/** The container's non-loopback IPv4 addresses (its bridge interface). */
export function containerAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((entry) => entry !== undefined && entry.family === 'IPv4' && !entry.internal)
    .map((entry) => entry!.address);
}

function pipeToLoopback(client: Socket, port: number): void {
  spliceSockets(client, connect({ host: '127.0.0.1', port }));
}

export type Forwarder = Running;

export async function forwardToLoopback(ports: readonly number[]): Promise<Forwarder> {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  for (const address of containerAddresses()) {
    for (const port of ports) {
      const server = createServer((client) => {
        sockets.add(client);
        client.on('close', () => sockets.delete(client));
        pipeToLoopback(client, port);
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, address, () => resolve());
      });
      servers.push(server);
    }
  }
  return running<Forwarder>({}, async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  });
}
