/**
 * Starts the Kaspi simulator on 127.0.0.1:
 * - `url` (`listeners.plain`): every scheme over plain HTTP, no authentication: quick use and the
 *   Phase 6 scenarios;
 * - `listeners.r1|r2|r3`: one listener per scheme, as Kaspi's test host has them, over TLS with a
 *   server certificate from the run's server CA, checking client certificates against Kaspi's
 *   partner CA (`tls: false`: plain HTTP, no certificate checks);
 * - `controlUrl`: the control API and dashboard.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { allOrganizations, type Organization } from '../../fixtures/organizations.ts';
import {
  createRunAuthorities,
  issueClientCertificate,
  issueServerCertificate,
  type IssuedCertificate,
  type RunAuthorities,
} from '../../platform/tls/ca.ts';
import { applyRequestTimeouts } from '../../platform/http-limits.ts';
import { listenHttp, type HttpListener } from '../../platform/http-server.ts';
import { simulatorTlsOptions } from '../../platform/tls/server-options.ts';
import { defaultApiKeyPolicy, type ApiKeyPolicy } from './auth.ts';
import { clockRoutes } from '../shared/control-clock.ts';
import { merchantRoutes } from './control-merchants.ts';
import { schemes } from './endpoints.ts';
import type { FaultRegistry } from './faults.ts';
import { createKaspiHandlers } from './handlers.ts';
import { Journal, defaultJournalSize } from './journal.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { createSchemeListener } from './scheme-listeners.ts';
import { shareInProcess } from '../../platform/egress/in-process.ts';
import { KaspiState } from './state.ts';
import type { Clock } from '../shared/clock.ts';
import { createTooling } from './tooling.ts';
import type { Scheme } from './types.ts';
import { running, type Running } from '../../platform/lifecycle.ts';

/** Hostnames clients use for Kaspi (test host, production r3 and r1 hosts) plus local names. */
export const kaspiHostnames: readonly string[] = [
  'mtokentest.kaspi.kz',
  'qrapi-cert-ip.kaspi.kz',
  'qrapi-key.kaspi.kz',
  'localhost',
  '127.0.0.1',
];

export interface KaspiSimulatorOptions {
  organizations?: readonly Organization[];
  /** 0 or absent: the kernel picks a free port. */
  port?: number;
  controlPort?: number;
  /** Per-scheme listener ports (Kaspi's test host uses 8543, 8544, 8545); default 0. */
  schemePorts?: Partial<Record<Scheme, number>>;
  journalSize?: number;
  /** Base clock (epoch ms) under the simulator clock, which `/control/clock` freezes and advances. */
  now?: Clock;
  /** Offset of Kaspi's dates; default +06:00 as in the reference (Kazakhstan is UTC+5 since 2024-03-01). */
  utcOffsetMinutes?: number;
  /** Per-scheme listeners over TLS (default true). `false`: plain HTTP, r2/r3 cannot check certificates. */
  tls?: boolean;
  /** r1's `Api-Key` policy on its own listener; default: any `test_…` key. */
  apiKey?: ApiKeyPolicy;
  /**
   * Reuse the stack's authorities instead of creating them: its server CA (the egress proxy and the
   * payment-service use it too; PHP trusts it) and Kaspi's partner CA (the client certificates).
   */
  authorities?: RunAuthorities;
}

export interface KaspiSimulator extends Running {
  /** The plain-HTTP listener serving every scheme (same as `listeners.plain`). */
  url: string;
  controlUrl: string;
  listeners: Record<Scheme | 'plain', string>;
  /** The CA that signed the server certificates: clients trust `certPem`. */
  ca: { certPem: string };
  /** A client certificate for mutual TLS on r2/r3, signed by Kaspi's partner CA. */
  issueClientCertificate(commonName: string): Promise<IssuedCertificate>;
  state: KaspiState;
  journal: Journal;
  /** Injected faults (also reachable through the control API). */
  faults: FaultRegistry;
}

const host = '127.0.0.1';

function listen(server: Server, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.keepAliveTimeout = 5_000;
    applyRequestTimeouts(server);
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Idle keep-alive sockets would otherwise hold close() open until they time out, and an
    // injected `blackhole` fault holds its request open forever: drop every connection.
    server.closeAllConnections();
  });
}

const portOf = (server: Server): number => (server.address() as AddressInfo).port;

export async function startKaspiSimulator(options: KaspiSimulatorOptions = {}): Promise<KaspiSimulator> {
  const state = new KaspiState({
    organizations: options.organizations ?? allOrganizations,
    now: options.now,
    utcOffsetMinutes: options.utcOffsetMinutes,
  });
  const journal = new Journal(options.journalSize ?? defaultJournalSize);
  const tls = options.tls ?? true;
  const { server: ca, partner } = options.authorities ?? (await createRunAuthorities());
  const serverCertificate = tls ? await issueServerCertificate(ca, kaspiHostnames) : undefined;

  let openApi: unknown;
  let urls = { kaspiUrl: '', controlUrl: '' };
  const { kaspiListener, controlListener, faults } = createTooling({
    state,
    journal,
    handlers: createKaspiHandlers(state),
    openApiDocument: () => (openApi ??= buildOpenApiDocument()),
    extraControlRoutes: [...clockRoutes(state.clock), ...merchantRoutes(state)],
    urls: () => urls,
  });

  const schemeServer = (scheme: Scheme): Server => {
    const listener: RequestListener = createSchemeListener({
      state,
      journal,
      faults,
      scheme,
      apiKey: options.apiKey ?? defaultApiKeyPolicy,
      requireClientCertificate: tls,
    });
    if (!serverCertificate) return createServer(listener);
    const server = createTlsServer(
      {
        ...simulatorTlsOptions,
        key: serverCertificate.keyPem,
        cert: serverCertificate.certPem,
        // Kaspi's partner CA alone: see RunAuthorities for why not the CA of this certificate too.
        ca: [partner.certPem],
        minVersion: 'TLSv1.2',
        // Ask for a certificate but never fail the handshake: Kaspi answers -10000 over TLS.
        requestCert: scheme !== 'r1',
        rejectUnauthorized: false,
      },
      listener,
    ) as unknown as Server;
    // The egress proxy of the same process hands PHP's tunnels to it without a loopback hop.
    shareInProcess(server);
    return server;
  };

  const opened: Server[] = [];
  const open = async (server: Server, port: number | undefined): Promise<Server> => {
    opened.push(await listen(server, port ?? 0));
    return server;
  };
  let control: HttpListener | undefined;
  const closeAll = () => Promise.all([control?.stop(), ...opened.map(closeServer)]).then(() => undefined);

  let servers: Record<Scheme | 'plain', Server>;
  try {
    control = await listenHttp(controlListener, options.controlPort);
    servers = {
      plain: await open(createServer(kaspiListener), options.port),
      r1: await open(schemeServer('r1'), options.schemePorts?.r1),
      r2: await open(schemeServer('r2'), options.schemePorts?.r2),
      r3: await open(schemeServer('r3'), options.schemePorts?.r3),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }

  const schemeUrl = (scheme: Scheme) => `${tls ? 'https' : 'http'}://${host}:${portOf(servers[scheme])}`;
  const listeners = {
    plain: `http://${host}:${portOf(servers.plain)}`,
    r1: schemeUrl('r1'),
    r2: schemeUrl('r2'),
    r3: schemeUrl('r3'),
  };
  urls = { kaspiUrl: listeners.plain, controlUrl: control.url };
  return running<KaspiSimulator>(
    {
      url: listeners.plain,
      controlUrl: urls.controlUrl,
      listeners,
      ca: { certPem: ca.certPem },
      issueClientCertificate: (commonName) => issueClientCertificate(partner, commonName),
      state,
      journal,
      faults,
    },
    closeAll,
  );
}

export { schemes };
