/**
 * The PHP runtime's private network namespace, one per run. A holder process (`unshare -m -n` as
 * root, `-Urmn` through a user namespace) execs platform/netns/gateway.mjs, which bind-mounts the run's
 * home over /home, brings the namespace's loopback up and carries byte streams across its edge:
 *
 * - inbound: a listening socket this module binds on the HOST's 127.0.0.1:<port> is inherited by the
 *   gateway, which accepts on it and connects to 127.0.0.1:<port> inside (php -S listens there).
 *   One hop, in a process of its own: the harness's event loop, which also runs the simulators,
 *   carries none of the site's traffic.
 * - outbound: 127.0.0.1:<port> inside, with the host's port numbers (the namespace has its own port
 *   space, so HTTPS_PROXY and the simulators' loopback URLs stay as they are). For the egress proxy
 *   and a simulator a test named by its loopback URL, the gateway listens inside and hands the
 *   listening socket to this process over an IPC channel: PHP's connections are accepted here
 *   directly, no relay in between, and the client's port inside names the PHP code behind a refusal.
 *   MariaDB's port is relayed by the gateway to MariaDB's own unix socket (the stub itself connects
 *   to that socket directly, dbconn.php's `localhost`).
 *
 * Nothing else gets in or out: a connect to any other address fails at once (no route), names do not
 * resolve, and a host loopback port that is not relayed is refused. PHP (the server and every CLI
 * run) enters with `nsenter`, which execs, so the pid stays the one platform/process.ts stops.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConnectionOrigin } from '../egress/proxy.ts';
import { ManagedProcess } from '../process.ts';
import { spliceSockets } from '../socket-splice.ts';
import { waitUntil } from '../wait.ts';
import { running, type Running } from '../lifecycle.ts';

export const gatewayScript = join(dirname(fileURLToPath(import.meta.url)), 'gateway.mjs');

/** How 127.0.0.1:<port> inside the namespace reaches the host. */
export type OutboundRelay =
  /** A unix socket the service itself listens on (MariaDB). */
  | { port: number; socket: string }
  /** Served in this process: the connection and where it came from (the egress proxy). */
  | { port: number; accept: (socket: Socket, origin?: ConnectionOrigin) => void }
  /** Relayed in this process to the host's 127.0.0.1:<port> (a simulator a test named by URL). */
  | { port: number };

export interface StartNetnsOptions {
  /** The namespace's working files go to `<runDir>/netns`. */
  runDir: string;
  /** The run's home tree, bind-mounted over /home inside. */
  hostHome: string;
  unshareArgs: readonly string[];
  /** Entered with `nsenter -U --preserve-credentials` too. */
  userNamespace: boolean;
  /** Host ports served from inside (0 picks one); the result's `inboundPorts` has them in order. */
  inbound: readonly number[];
  outbound: readonly OutboundRelay[];
  /** Answer name lookups inside with "refused" and log each one (`dnsLog` of the result). */
  recordLookups?: boolean;
}

export interface NetnsHolder extends Running {
  /** The gateway's pid: it names the namespaces for nsenter. */
  pid: number;
  process: ManagedProcess;
  inboundPorts: number[];
  /** JSON lines, one per name lookup PHP tried (platform/netns/php-warnings.ts `lookupsIn`). */
  dnsLog?: string;
  /** Runs `command` inside the namespaces with `cwd` as PHP sees it; execs, so the pid stays. */
  wrap(command: string, args: readonly string[], cwd: string): { command: string; args: string[] };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

/** The descriptor of a listening socket, to hand to a child process. */
function descriptorOf(server: Server): number {
  // Node has no public accessor; `_handle.fd` is the libuv handle's descriptor on Unix.
  const handle: unknown = (server as unknown as { _handle?: unknown })._handle;
  const fd = typeof handle === 'object' && handle !== null && 'fd' in handle ? handle.fd : undefined;
  if (typeof fd !== 'number' || fd < 0) throw new Error('cannot hand a listening socket to the gateway');
  return fd;
}

/** The port of the gateway's `{ handOver: port }` message, which comes with a listening socket. */
function handedOverPort(message: unknown): number | undefined {
  if (typeof message !== 'object' || message === null || !('handOver' in message)) return undefined;
  return typeof message.handOver === 'number' ? message.handOver : undefined;
}

function relayToHostPort(port: number): (socket: Socket) => void {
  return (inside) => spliceSockets(inside, connect({ host: '127.0.0.1', port, noDelay: true }));
}

export async function startNetnsHolder(options: StartNetnsOptions): Promise<NetnsHolder> {
  const dir = join(options.runDir, 'netns');
  mkdirSync(dir, { recursive: true });
  mkdirSync(join(options.runDir, 'logs'), { recursive: true });
  const servers: Server[] = [];
  const connections = new Set<Socket>();
  const track = (handler: (socket: Socket) => void) => (socket: Socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    handler(socket);
  };
  const closeServers = async (): Promise<void> => {
    for (const socket of connections) socket.destroy();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  };

  const inbound: Server[] = [];
  try {
    const outbound: { port: number; socket: string }[] = [];
    /** What this process does with a connection PHP made to 127.0.0.1:<port> inside. */
    const handOver = new Map<number, (socket: Socket, netnsPid: number) => void>();
    for (const relay of options.outbound) {
      if ('socket' in relay) outbound.push({ port: relay.port, socket: relay.socket });
      else if ('accept' in relay)
        handOver.set(relay.port, (socket, netnsPid) =>
          relay.accept(socket, { netnsPid, port: socket.remotePort ?? 0 }),
        );
      else handOver.set(relay.port, relayToHostPort(relay.port));
    }
    for (const port of options.inbound) {
      // Bound here, served there: only its descriptor crosses, the harness never accepts on it.
      const server = createServer();
      inbound.push(server);
      await listen(server, port);
    }
    const inboundPorts = inbound.map((server) => {
      const address = server.address();
      if (address === null || typeof address !== 'object') throw new Error('inbound listener has no port');
      return address.port;
    });
    const ready = join(dir, 'ready');
    rmSync(ready, { force: true });
    const dnsLog = options.recordLookups ? join(dir, 'dns.jsonl') : undefined;
    if (dnsLog) writeFileSync(dnsLog, ''); // exists before anyone watches it
    const config = join(dir, 'gateway.json');
    writeFileSync(
      config,
      `${JSON.stringify(
        {
          home: options.hostHome,
          ready,
          inbound: inboundPorts.map((port, index) => ({ fd: 3 + index, port })),
          outbound,
          handOver: [...handOver.keys()].map((port) => ({ port })),
          ...(dnsLog ? { dns: { log: dnsLog } } : {}),
        },
        null,
        2,
      )}\n`,
    );
    const handedOver = new Set<number>();
    const holder: ManagedProcess = new ManagedProcess({
      name: 'php-netns',
      command: 'unshare',
      args: [...options.unshareArgs, '--', process.execPath, gatewayScript, config],
      logFile: join(options.runDir, 'logs', 'php-netns.log'),
      inheritFds: inbound.map(descriptorOf),
      onMessage: (message, handle) => {
        const port = handedOverPort(message);
        const serve = port === undefined ? undefined : handOver.get(port);
        if (serve === undefined || !(handle instanceof Server)) return;
        servers.push(handle);
        handle.on(
          'connection',
          track((socket) => {
            socket.setNoDelay(true);
            serve(socket, holder.pid);
          }),
        );
        handedOver.add(port!);
      },
    });
    // The gateway holds its own copies now; the harness must not accept on them.
    await Promise.all(inbound.map((server) => new Promise((resolve) => server.close(resolve))));
    try {
      await waitUntil(
        async () => existsSync(ready) && handedOver.size === handOver.size,
        `${ready} (the gateway's relays listening, ${handOver.size} listening sockets handed over)`,
        {
          service: 'php network namespace',
          timeoutMs: 15_000,
          abort: holder.unexpectedExit(),
        },
      );
    } catch (error) {
      await holder.stop();
      throw error;
    }
    const enter = [
      '-t',
      String(holder.pid),
      ...(options.userNamespace ? ['-U', '--preserve-credentials'] : []),
      '-m',
      '-n',
    ];
    return running<NetnsHolder>(
      {
        pid: holder.pid,
        process: holder,
        inboundPorts,
        ...(dnsLog ? { dnsLog } : {}),
        wrap: (command, args, cwd) => ({
          command: 'nsenter',
          args: [
            ...enter,
            '--',
            'sh',
            '-c',
            'cd "$1" && shift && exec "$@"',
            'kh-netns',
            cwd,
            command,
            ...args,
          ],
        }),
      },
      async () => {
        await holder.stop();
        await closeServers();
      },
    );
  } catch (error) {
    for (const server of inbound) server.close();
    await closeServers();
    throw error;
  }
}
