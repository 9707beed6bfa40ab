/**
 * The egress proxy: the only way out for the PHP runtime (HTTPS_PROXY / http_proxy point here).
 * One port speaks two protocols, told apart by the first byte a client sends: SOCKS5 (0x05, see
 * socks.ts; libcurl's https:// goes this way) and HTTP (absolute-URI http:// requests, CONNECT
 * host:port from the stream wrappers). Every destination is looked up in the route table and sent
 * to a simulator; anything unrouted is refused (HTTP 403, SOCKS reply 0x02), recorded as unexpected
 * egress, and never causes a connection to anywhere — the proxy does not even resolve the name.
 *
 * Requests addressed to the proxy itself (origin-form, `/__egress/...`) are its control API, so test
 * workers without an in-process reference can read and clear the record. PHP reaches this port too,
 * so the record is not PHP's to read or clear: connections from the sandbox (handed over through
 * `acceptConnection`: PHP's network namespace, the docker stack's unix socket) get 403 on those
 * paths, and so does anything a browser page of another origin could have sent (platform/control-guard.ts).
 * Where PHP runs without a sandbox (`proxy-only`), nothing tells its connections from a test
 * worker's, as nothing keeps it from the simulators' control ports either.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { controlListener, ok } from '../http/control-api.ts';
import type { CertificateAuthority } from '../tls/ca.ts';
import { commandLineOf, findClientPid } from './client-process.ts';
import { inProcessListener } from './in-process.ts';
import { findRoute, normalizeHost, type EgressRoute } from './routes.ts';
import { readSocksRequest, replyBytes, socksCommands, socksReply, socksVersion } from './socks.ts';
import { forwardHttp, TlsTerminator } from './terminate.ts';
import { running, type Running } from '../lifecycle.ts';

export interface UnexpectedEgress {
  time: string;
  host: string;
  /** 0 for a name lookup (`dns`): the port it was meant for is not known yet. */
  port: number;
  /**
   * `SOCKS` for a SOCKS5 CONNECT (libcurl's https://; another SOCKS command as `SOCKS BIND`, say),
   * `CONNECT` for an HTTP tunnel (a stream wrapper's https://), the HTTP method for a plain http://
   * request; from PHP's network namespace (platform/netns): `socket` for a raw connect it refused, `dns`
   * for a name lookup.
   */
  method: string;
  /** The full URL of a plain http:// request (a tunnel's path is encrypted and unknown). */
  url?: string;
  /** The scenario running when it happened (see setScenario). */
  scenario?: string;
  /** The local process that asked (pid and command line), when it could be found. */
  client?: { pid: number; command?: string };
  /** The code that asked, as the client describer knows it (for PHP: the request or script). */
  codePath?: string;
}

/** Where a relayed connection started: a client port in the network namespace of `netnsPid`. */
export interface ConnectionOrigin {
  netnsPid: number;
  port: number;
}

/** Turns the pid of a refused client into the code path that caused it (e.g. the PHP request). */
export type ClientDescriber = (pid: number) => string | undefined;

export interface StartEgressProxyOptions {
  routes?: readonly EgressRoute[];
  /** Needed for `terminate` routes: the proxy presents certificates issued by this CA. */
  ca?: CertificateAuthority;
  port?: number;
  /** Called once per refused destination (for a live log line). */
  onUnexpected?: (event: UnexpectedEgress) => void;
  describeClient?: ClientDescriber;
}

export interface EgressProxy extends Running {
  /**
   * `http://127.0.0.1:<port>`: the value for http_proxy, and the base of the control paths. The same
   * port speaks SOCKS5: `socks5h://127.0.0.1:<port>` is the value for HTTPS_PROXY (see socks.ts).
   */
  url: string;
  port: number;
  addRoute(route: EgressRoute): void;
  routes(): readonly EgressRoute[];
  /** Labels what is refused from now on, so a report can name the scenario that caused it. */
  setScenario(name: string | undefined): void;
  /** Set after start, when the service whose code path it knows (the Bitrix stub) is up. */
  setClientDescriber(describe: ClientDescriber | undefined): void;
  unexpected(filter?: { scenario?: string }): UnexpectedEgress[];
  clearUnexpected(): void;
  /**
   * Adds egress the proxy never saw to the same record: a raw socket that PHP's network namespace
   * refused (platform/netns), found in PHP's error log. Stamped with the current scenario.
   */
  record(event: Omit<UnexpectedEgress, 'scenario' | 'time'> & { time?: string }): void;
  /** Runs `flush` before the record is read, so a source that batches (a log watcher) catches up. */
  onBeforeRead(flush: () => void): () => void;
  /**
   * Serves a connection that arrived another way than its TCP port (the network namespace's relay,
   * a unix socket); `origin` is the client's port inside the namespace held by `netnsPid`, so a
   * refusal can still name the process behind it.
   */
  acceptConnection(socket: Socket, origin?: ConnectionOrigin): void;
}

const controlPrefix = '/__egress/';

function hostAndPort(authority: string, defaultPort: number): { host: string; port: number } | undefined {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(authority);
  if (!match) return undefined;
  const port = match[2] === undefined ? defaultPort : Number(match[2]);
  return port > 0 && port < 65536 ? { host: normalizeHost(match[1]!), port } : undefined;
}

export async function startEgressProxy(options: StartEgressProxyOptions = {}): Promise<EgressProxy> {
  const routes: EgressRoute[] = [...(options.routes ?? [])];
  const refused: UnexpectedEgress[] = [];
  const sockets = new Set<Socket>();
  const terminator = options.ca ? new TlsTerminator(options.ca) : undefined;
  let scenario: string | undefined;
  let describeClient = options.describeClient;
  const origins = new WeakMap<Socket, ConnectionOrigin>();
  /** Connections handed over from PHP's sandbox: they may use the proxy, never its control paths. */
  const sandboxed = new WeakSet<Socket>();
  const flushers = new Set<() => void>();
  const flush = (): void => {
    for (const run of flushers) run();
  };

  const push = (event: UnexpectedEgress): void => {
    if (event.url === undefined) delete event.url;
    if (event.scenario === undefined) delete event.scenario;
    refused.push(event);
    options.onUnexpected?.(event);
  };

  const refuse = (host: string, port: number, method: string, client: Socket, url?: string): void => {
    const event: UnexpectedEgress = { time: new Date().toISOString(), host, port, method, url, scenario };
    const origin = origins.get(client);
    const pid = origin
      ? findClientPid(origin.port, origin.netnsPid)
      : client.remotePort === undefined
        ? undefined
        : findClientPid(client.remotePort);
    if (pid !== undefined) {
      event.client = { pid, command: commandLineOf(pid) };
      const codePath = describeClient?.(pid);
      if (codePath !== undefined) event.codePath = codePath;
    }
    push(event);
  };

  const control = controlListener(
    'egress-proxy',
    [
      {
        method: 'GET',
        path: `${controlPrefix}unexpected`,
        handle: ({ url }) => {
          flush();
          const only = url.searchParams.get('scenario');
          return ok({ unexpected: refused.filter((e) => only === null || e.scenario === only) });
        },
      },
      {
        method: 'DELETE',
        path: `${controlPrefix}unexpected`,
        handle: () => {
          flush(); // lines written before the clear belong to what is being cleared
          refused.length = 0;
          return ok({ ok: true });
        },
      },
      {
        method: 'PUT',
        path: `${controlPrefix}scenario`,
        handle: ({ url }) => {
          scenario = url.searchParams.get('name') ?? undefined;
          return ok({ ok: true, scenario: scenario ?? null });
        },
      },
    ],
    {
      refuse: (req) =>
        sandboxed.has(req.socket)
          ? "the egress record is the harness's, not the sandboxed code's: control paths are not served to PHP"
          : undefined,
    },
  );

  const server = createServer((req, res) => {
    const raw = req.url ?? '/';
    if (raw.startsWith('/')) return control(req, res);
    let target: URL;
    try {
      target = new URL(raw);
    } catch {
      res.writeHead(400).end('egress proxy: bad request target\n');
      return;
    }
    const port = target.port === '' ? 80 : Number(target.port);
    const host = normalizeHost(target.hostname);
    const route = target.protocol === 'http:' ? findRoute(routes, host, port) : undefined;
    if (!route) {
      refuse(host, port, req.method ?? 'GET', req.socket, raw);
      res.writeHead(403, { 'content-type': 'text/plain', 'x-harness-egress': 'refused' });
      res.end(`egress proxy: ${host}:${port} is not a harness destination (unexpected egress)\n`);
      return;
    }
    forwardHttp(req, res, route.target, `${target.pathname}${target.search}`);
  });

  /** How a tunnel request is answered, in the protocol it came in. */
  interface TunnelAnswers {
    established(): void;
    refused(): void;
    /** A `terminate` route without the CA it needs. */
    noCa(): void;
    targetDown(): void;
  }

  /**
   * A tunnel to host:port for `socket` (an HTTP CONNECT or a SOCKS5 CONNECT): routed, refused and
   * recorded, or handed to its target. Bytes the client sent after its request are already put back
   * on the socket.
   */
  const tunnel = (
    socket: Socket,
    host: string,
    port: number,
    method: string,
    answer: TunnelAnswers,
  ): void => {
    const route = findRoute(routes, host, port);
    if (!route) {
      refuse(host, port, method, socket);
      answer.refused();
      return;
    }
    if (route.target.mode === 'terminate') {
      if (!terminator) {
        answer.noCa();
        return;
      }
      answer.established();
      terminator.accept(socket, host, route.target).catch(() => socket.destroy());
      return;
    }
    // A listener of this very process: hand it the socket, TLS still runs end to end (in-process.ts).
    const local = inProcessListener(route.target.host, route.target.port);
    if (local) {
      answer.established();
      local.emit('connection', socket);
      return;
    }
    const upstream = connect(route.target.port, route.target.host);
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.once('connect', () => {
      answer.established();
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => {
      if (socket.writable) answer.targetDown();
      socket.destroy();
    });
    socket.on('close', () => upstream.destroy());
  };

  const httpAnswer = (status: string, header?: string): string =>
    `HTTP/1.1 ${status}\r\n${header === undefined ? '' : `X-Harness-Egress: ${header}\r\nContent-Length: 0\r\n`}\r\n`;

  server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const authority = hostAndPort(req.url ?? '', 443);
    if (!authority) {
      refuse(String(req.url), 0, 'CONNECT', socket);
      socket.end(httpAnswer('403 Forbidden', 'refused'));
      return;
    }
    if (head.length > 0) socket.unshift(head);
    tunnel(socket, authority.host, authority.port, 'CONNECT', {
      established: () => socket.write(httpAnswer('200 Connection Established')),
      refused: () => socket.end(httpAnswer('403 Forbidden', 'refused')),
      noCa: () => socket.end(httpAnswer('502 Bad Gateway', 'no-ca-for-terminate')),
      targetDown: () => socket.end(httpAnswer('502 Bad Gateway', 'target-down')),
    });
  });

  const serveSocks = async (socket: Socket, first: Buffer): Promise<void> => {
    const request = await readSocksRequest(socket, first);
    if (!request) return;
    const { command, host, port } = request;
    if (command !== 1) {
      refuse(host, port, `SOCKS ${socksCommands[command] ?? `command ${command}`}`, socket);
      socket.end(replyBytes(socksReply.commandNotSupported));
      return;
    }
    tunnel(socket, host, port, 'SOCKS', {
      established: () => socket.write(replyBytes(socksReply.succeeded)),
      refused: () => socket.end(replyBytes(socksReply.notAllowed)),
      noCa: () => socket.end(replyBytes(socksReply.generalFailure)),
      targetDown: () => socket.end(replyBytes(socksReply.connectionRefused)),
    });
  };

  /** Every client connection: SOCKS5 when its first byte says so, else HTTP. */
  const accept = (socket: Socket, origin?: ConnectionOrigin): void => {
    if (origin) origins.set(socket, origin);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.once('data', (first: Buffer) => {
      if (first[0] === socksVersion) {
        void serveSocks(socket, first);
        return;
      }
      socket.pause();
      socket.unshift(first);
      server.emit('connection', socket);
      socket.resume();
    });
  };

  // The HTTP side never listens itself (the front does): node starts its header and request
  // timeouts on 'listening', so that is emitted for it.
  server.emit('listening');
  const front = createNetServer((socket) => accept(socket));

  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (front.address() as AddressInfo).port;

  return running<EgressProxy>(
    {
      url: `http://127.0.0.1:${port}`,
      port,
      addRoute: (route) => void routes.push(route),
      routes: () => [...routes],
      setScenario: (name) => void (scenario = name),
      setClientDescriber: (describe) => void (describeClient = describe),
      unexpected: (filter) => {
        flush();
        return refused.filter((e) => filter?.scenario === undefined || e.scenario === filter.scenario);
      },
      clearUnexpected: () => {
        flush();
        refused.length = 0;
      },
      record: (event) => push({ ...event, time: event.time ?? new Date().toISOString(), scenario }),
      onBeforeRead: (run) => {
        flushers.add(run);
        return () => void flushers.delete(run);
      },
      acceptConnection: (socket, origin) => {
        sandboxed.add(socket);
        accept(socket, origin);
      },
    },
    () =>
      new Promise<void>((resolve) => {
        terminator?.close();
        for (const socket of sockets) socket.destroy();
        server.close(); // stops its timeout checks; it never listened, so there is nothing to wait for
        front.close(() => resolve());
      }),
  );
}
