/**
 * The PHP runtime's private network namespace, one per run. A holder process (`unshare -m -n` as
 * root, `-Urmn` through a user namespace) execs stack/netns/gateway.mjs, which bind-mounts the run's
 * home over /home, brings the namespace's loopback up and relays byte streams across its edge:
 *
 * - inbound: a listening socket this module binds on the HOST's 127.0.0.1:<port> is inherited by the
 *   gateway, which accepts on it and connects to 127.0.0.1:<port> inside (php -S listens there).
 *   One hop, in a process of its own: the harness's event loop, which also runs the simulators,
 *   carries none of the site's traffic.
 * - outbound: the gateway listens on 127.0.0.1:<port> inside, with the host's port numbers (the
 *   namespace has its own port space, so dbconn.php and HTTPS_PROXY stay as they are), and connects
 *   to a unix socket on the shared file system: MariaDB's own socket, the egress proxy's (which also
 *   learns the client's origin, to name the PHP code behind a refusal), or a small in-process relay
 *   to a host TCP port (a simulator a test configured by its loopback URL).
 *
 * Nothing else gets in or out: a connect to any other address fails at once (no route), names do not
 * resolve, and a host loopback port that is not relayed is refused. PHP (the server and every CLI
 * run) enters with `nsenter`, which execs, so the pid stays the one stack/process.ts stops.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConnectionOrigin } from '../egress/proxy.ts';
import { ManagedProcess } from '../process.ts';
import { spliceSockets } from '../socket-splice.ts';
import { waitUntil } from '../wait.ts';

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

export interface NetnsHolder {
  /** The gateway's pid: it names the namespaces for nsenter. */
  pid: number;
  process: ManagedProcess;
  inboundPorts: number[];
  /** JSON lines, one per name lookup PHP tried (stack/netns/php-warnings.ts `lookupsIn`). */
  dnsLog?: string;
  /** Runs `command` inside the namespaces with `cwd` as PHP sees it; execs, so the pid stays. */
  wrap(command: string, args: readonly string[], cwd: string): { command: string; args: string[] };
  stop(): Promise<void>;
}

/** Unix socket paths are limited to ~107 bytes: a deep run directory gets a short temp dir. */
function socketDir(dir: string): string {
  if (Buffer.byteLength(join(dir, 'tcp-65535.sock')) < 100) return dir;
  return mkdtempSync(join(tmpdir(), 'kh-ns-'));
}

function listen(server: Server, where: string | { host: string; port: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    if (typeof where === 'string') server.listen(where, () => resolve());
    else server.listen(where.port, where.host, () => resolve());
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

const originLine = /^KH-ORIGIN (\d+) (\d+)$/;

/** Reads the gateway's one-line origin header, then hands the rest of the stream on untouched. */
function withOrigin(accept: (socket: Socket, origin?: ConnectionOrigin) => void): (socket: Socket) => void {
  return (socket) => {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf(10);
      if (end < 0) {
        if (head.length > 64) socket.destroy();
        return;
      }
      socket.removeListener('data', onData);
      socket.pause();
      const match = originLine.exec(head.subarray(0, end).toString('latin1'));
      const rest = head.subarray(end + 1);
      if (rest.length > 0) socket.unshift(rest);
      accept(socket, match ? { netnsPid: Number(match[1]), port: Number(match[2]) } : undefined);
      socket.resume();
    };
    socket.on('data', onData);
    socket.on('error', () => socket.destroy());
  };
}

function relayToHostPort(port: number): (socket: Socket) => void {
  return (inside) => spliceSockets(inside, connect({ host: '127.0.0.1', port, noDelay: true }), 'destroy');
}

export async function startNetnsHolder(options: StartNetnsOptions): Promise<NetnsHolder> {
  const dir = join(options.runDir, 'netns');
  mkdirSync(dir, { recursive: true });
  mkdirSync(join(options.runDir, 'logs'), { recursive: true });
  const sockets = socketDir(dir);
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
    // A short temp dir made for a deep run directory is not removed with the run: remove it here.
    if (sockets !== dir) rmSync(sockets, { recursive: true, force: true });
  };

  const inbound: Server[] = [];
  try {
    const outbound: { port: number; socket: string; announce: boolean }[] = [];
    for (const relay of options.outbound) {
      if ('socket' in relay) {
        outbound.push({ port: relay.port, socket: relay.socket, announce: false });
        continue;
      }
      const path = join(sockets, `tcp-${relay.port}.sock`);
      const server = createServer(
        track('accept' in relay ? withOrigin(relay.accept) : relayToHostPort(relay.port)),
      );
      servers.push(server);
      await listen(server, path);
      outbound.push({ port: relay.port, socket: path, announce: 'accept' in relay });
    }
    for (const port of options.inbound) {
      // Bound here, served there: only its descriptor crosses, the harness never accepts on it.
      const server = createServer();
      inbound.push(server);
      await listen(server, { host: '127.0.0.1', port });
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
          ...(dnsLog ? { dns: { log: dnsLog } } : {}),
        },
        null,
        2,
      )}\n`,
    );
    const holder = new ManagedProcess({
      name: 'php-netns',
      command: 'unshare',
      args: [...options.unshareArgs, '--', process.execPath, gatewayScript, config],
      logFile: join(options.runDir, 'logs', 'php-netns.log'),
      inheritFds: inbound.map(descriptorOf),
    });
    // The gateway holds its own copies now; the harness must not accept on them.
    await Promise.all(inbound.map((server) => new Promise((resolve) => server.close(resolve))));
    try {
      await waitUntil(async () => existsSync(ready), `${ready} (the gateway's relays listening)`, {
        service: 'php network namespace',
        timeoutMs: 15_000,
        abort: holder.unexpectedExit(),
      });
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
    return {
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
      stop: async () => {
        await holder.stop();
        await closeServers();
      },
    };
  } catch (error) {
    for (const server of inbound) server.close();
    await closeServers();
    throw error;
  }
}
