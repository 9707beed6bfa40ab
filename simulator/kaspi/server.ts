/**
 * Starts the Kaspi simulator: the Kaspi API on one 127.0.0.1 listener, the control API on another.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { allOrganizations, type Organization } from '../../fixtures/organizations.ts';
import type { FaultRegistry } from './faults.ts';
import { createKaspiHandlers } from './handlers.ts';
import { Journal, defaultJournalSize } from './journal.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { KaspiState } from './state.ts';
import type { Clock } from './time.ts';
import { createTooling } from './tooling.ts';

export interface KaspiSimulatorOptions {
  organizations?: readonly Organization[];
  /** 0 or absent: the kernel picks a free port. */
  port?: number;
  controlPort?: number;
  journalSize?: number;
  /** Injectable clock (epoch ms) for freezing or advancing Kaspi's timeouts. */
  now?: Clock;
}

export interface KaspiSimulator {
  url: string;
  controlUrl: string;
  state: KaspiState;
  journal: Journal;
  /** Injected faults (also reachable through the control API). */
  faults: FaultRegistry;
  close(): Promise<void>;
}

const host = '127.0.0.1';

function listen(listener: RequestListener, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(listener);
    server.keepAliveTimeout = 5_000;
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
    // injected `hang` fault holds its request open forever: drop every connection.
    server.closeAllConnections();
  });
}

const urlOf = (server: Server): string => `http://${host}:${(server.address() as AddressInfo).port}`;

export async function startKaspiSimulator(options: KaspiSimulatorOptions = {}): Promise<KaspiSimulator> {
  // Owned here and mutated by `POST /control/seed`: the state rebuilds its merchants from it.
  const organizations = [...(options.organizations ?? allOrganizations)];
  const state = new KaspiState({ organizations, now: options.now });
  const journal = new Journal(options.journalSize ?? defaultJournalSize);

  let openApi: unknown;
  let urls = { kaspiUrl: '', controlUrl: '' };
  const { kaspiListener, controlListener, faults } = createTooling({
    state,
    journal,
    handlers: createKaspiHandlers(state),
    organizations,
    openApiDocument: () => (openApi ??= buildOpenApiDocument()),
    urls: () => urls,
  });

  const kaspiServer = await listen(kaspiListener, options.port ?? 0);
  let controlServer: Server;
  try {
    controlServer = await listen(controlListener, options.controlPort ?? 0);
  } catch (error) {
    await closeServer(kaspiServer);
    throw error;
  }

  let closing: Promise<void> | undefined;
  urls = { kaspiUrl: urlOf(kaspiServer), controlUrl: urlOf(controlServer) };
  return {
    url: urls.kaspiUrl,
    controlUrl: urls.controlUrl,
    state,
    journal,
    faults,
    close: () =>
      (closing ??= Promise.all([closeServer(kaspiServer), closeServer(controlServer)]).then(() => undefined)),
  };
}
