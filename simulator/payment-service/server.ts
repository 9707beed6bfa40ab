/**
 * startPaymentServiceSimulator: the payment-service on a real PostgreSQL with the production schema,
 * serving the guide's contract, the deployed one, both, or an OpenAPI document's routes; calling
 * Kaspi (directly or through a simulated Bitrix proxy); polling payment statuses on a controllable
 * clock; with faults, drift and a request journal behind a control API on its own port.
 */
import { randomUUID } from 'node:crypto';
import { sellers as fixtureSellers, type Seller } from '../../fixtures/organizations.ts';
import type { CertificateAuthority } from '../../platform/tls/ca.ts';
import { SimulatorClock, type Clock } from '../shared/clock.ts';
import { deployedAdminRoutes } from './contracts/deployed-admin.ts';
import { DriftLog } from './contracts/drift.ts';
import { allowedDirectories } from './allowed-files.ts';
import { resolveProfile, type Catalogue, type Profile } from './contracts/profile.ts';
import { startControlServer, type ControlServer } from './control.ts';
import { DatabaseWatch, type DatabaseState } from './database-watch.ts';
import { createPool } from './db.ts';
import { FaultRegistry, isGlobal } from './faults/registry.ts';
import { guideRoutes } from './guide-routes.ts';
import { createDispatcher, routeKey } from './http.ts';
import { RequestJournal } from './journal.ts';
import { SwitchableListener } from './listener.ts';
import { migrate } from './migrate.ts';
import { proxyGateway, startBitrixProxy, type BitrixProxy } from './payments/bitrix-proxy.ts';
import { absentGateway, directGateway, type KaspiGateway } from './payments/gateway.ts';
import { StatusPoller } from './payments/poller.ts';
import { paymentRoutes } from './payments/routes.ts';
import { resetData, seedConfigs } from './seed.ts';
import { serviceHandler, type ActiveContract } from './service.ts';
import { ServiceSwitch } from './switch.ts';
import { createTlsListener, type TlsListener } from './tls.ts';
import { running, type Running } from '../../platform/lifecycle.ts';

export interface PaymentServiceSimulatorOptions {
  databaseUrl: string;
  /** The shops to seed (and to reset to); the fixtures' sellers by default. */
  sellers?: readonly Seller[];
  port?: number;
  controlPort?: number;
  /** The contract(s) served; `guide` by default. Changeable at run time (`PUT /control/profile`). */
  profile?: Profile;
  /** Kaspi base URL for the deployed payment routes and the poller (r3 paths). */
  kaspi?: { url: string };
  /** `direct` (default): r3 calls to `kaspi.url`; `bitrix-proxy`: through a simulated cvety.kz PHP proxy. */
  kaspiVia?: 'direct' | 'bitrix-proxy';
  /** Base clock (epoch ms) under the simulator clock that `/control/clock` freezes and advances. */
  clock?: Clock;
  /** An extra HTTPS listener with a certificate for payment-service.up.railway.app from this CA. */
  tls?: { ca: CertificateAuthority; port?: number };
  /**
   * Directories an OpenAPI profile's file path may point into, besides the working directory
   * (`--allow-dir`); anything else is refused (allowed-files.ts).
   */
  allowDirs?: readonly string[];
  /** Its PostgreSQL went away or came back (after the line the process prints about it). */
  onDatabaseChange?(state: DatabaseState): void;
}

export interface PaymentServiceSimulator extends Running {
  /** http://127.0.0.1:PORT; the guide's routes live under /api (the PHP client's base URL is `${url}/api`). */
  url: string;
  controlUrl: string;
  /** https://127.0.0.1:PORT when `tls` was given. */
  tlsUrl?: string;
  tlsPort?: number;
  /** The simulated Bitrix proxy, when `kaspiVia` is `bitrix-proxy`. */
  bitrixProxyUrl?: string;
}

function catalogue(deps: Parameters<typeof paymentRoutes>[0], database: () => DatabaseState): Catalogue {
  return {
    guide: guideRoutes(deps.pool, database),
    deployed: [...deployedAdminRoutes(deps.pool, database), ...paymentRoutes(deps)],
  };
}

/** The one line the process prints when its database goes or comes back. */
export function databaseLine(state: DatabaseState): string {
  return state.reachable
    ? 'payment-service simulator: its PostgreSQL answers again; health is back to 200'
    : `payment-service simulator: its PostgreSQL is unreachable (${state.problem}); health answers 503 until it is back`;
}

function activate(profile: Profile, routes: Catalogue, allowedDirs: readonly string[]): ActiveContract {
  const served = resolveProfile(profile, routes, allowedDirs);
  return { served, dispatcher: createDispatcher(served.routes) };
}

export async function startPaymentServiceSimulator(
  options: PaymentServiceSimulatorOptions,
): Promise<PaymentServiceSimulator> {
  const sellers = options.sellers ?? fixtureSellers;
  let startProfile = options.profile ?? 'guide';
  const pool = createPool(options.databaseUrl);
  const database = new DatabaseWatch(options.databaseUrl, {
    onChange: (state) => {
      console.error(databaseLine(state));
      options.onDatabaseChange?.(state);
    },
  });
  // A pooled connection breaking (the server killed) is the first sign: look at once.
  pool.on('error', () => database.probeSoon());
  const clock = new SimulatorClock(options.clock);
  const journal = new RequestJournal();
  const drift = new DriftLog();
  let kaspi: KaspiGateway = absentGateway;
  const routes = catalogue({ pool, kaspi: () => kaspi, now: clock.now }, () => database.state);
  const allowedDirs = allowedDirectories(options.allowDirs);
  let contract = activate(startProfile, routes, allowedDirs);
  let start = { name: contract.served.name, routes: contract.served.routes.map(routeKey) };

  let service: ServiceSwitch | undefined;
  let tls: TlsListener | undefined;
  const faults = new FaultRegistry(async () => {
    tls?.setFailing(faults.has('tls-failure', 'any'));
    await service?.apply();
  });
  const handler = serviceHandler({ contract: () => contract, faults, journal, drift });
  const listener = new SwitchableListener(handler);
  const poller = new StatusPoller(pool, () => kaspi, clock.now);
  let proxy: BitrixProxy | undefined;
  let control: ControlServer | undefined;
  const stopAll = async (): Promise<void> => {
    await poller.stop();
    await database.stop();
    await Promise.allSettled([control?.stop(), listener.down(), tls?.listener.down(), proxy?.stop()]);
    await pool.end().catch(() => undefined);
  };
  try {
    if (options.tls) {
      tls = await createTlsListener(options.tls.ca, handler, () => faults.takeTlsFailure());
    }
    if (options.kaspi) {
      const direct = directGateway(options.kaspi.url);
      if (options.kaspiVia === 'bitrix-proxy') {
        const accessToken = randomUUID();
        proxy = await startBitrixProxy(direct, accessToken);
        kaspi = proxyGateway(proxy.url, accessToken);
      } else kaspi = direct;
    }
    await migrate(pool);
    await seedConfigs(pool, sellers);
    const port = await listener.start(options.port ?? 0);
    const tlsPort = tls ? await tls.listener.start(options.tls?.port ?? 0) : undefined;
    const switchable = new ServiceSwitch(tls ? [listener, tls.listener] : [listener], () =>
      faults.has('down'),
    );
    service = switchable;
    poller.start();
    database.start();
    control = await startControlServer(
      {
        pool,
        journal,
        database: () => database.state,
        lifecycle: {
          isUp: () => switchable.isUp,
          down: () => switchable.setManualDown(true),
          up: async () => {
            for (const fault of faults.list()) {
              if (fault.fault.kind === 'down' && isGlobal(fault)) {
                await faults.remove(fault.id);
              }
            }
            await switchable.setManualDown(false);
          },
          reset: async () => {
            await resetData(pool, sellers);
            journal.clear();
            drift.clear();
            await faults.remove();
            contract = activate(startProfile, routes, allowedDirs);
            clock.reset();
            poller.resetSchedule();
            await switchable.setManualDown(false);
          },
        },
        tools: {
          drift,
          faults,
          clock,
          poller,
          profile: () => ({
            profile: contract.served.name,
            start: start.name,
            routes: contract.served.routes.map(routeKey),
            startRoutes: start.routes,
          }),
          setProfile: (profile, asStart) => {
            contract = activate(profile, routes, allowedDirs);
            if (asStart) {
              startProfile = profile;
              start = { name: contract.served.name, routes: contract.served.routes.map(routeKey) };
            }
          },
        },
      },
      options.controlPort ?? 0,
    );
    return running<PaymentServiceSimulator>(
      {
        url: `http://127.0.0.1:${port}`,
        controlUrl: `http://127.0.0.1:${control.port}`,
        ...(tlsPort === undefined ? {} : { tlsUrl: `https://127.0.0.1:${tlsPort}`, tlsPort }),
        ...(proxy ? { bitrixProxyUrl: proxy.url } : {}),
      },
      stopAll,
    );
  } catch (error) {
    await stopAll();
    throw error;
  }
}
