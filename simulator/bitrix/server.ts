/**
 * Starts the Bitrix stub for a run: lays out <runDir>/home/bitrix/www in the production layout,
 * migrates and seeds MariaDB, and serves it with `php -S` — inside a private mount namespace where
 * PHP sees /home/bitrix/www, with every outbound connection going through the egress proxy and the
 * harness CA as PHP's only trust anchor. Where it can, PHP also gets a private network namespace
 * (platform/netns): MariaDB, the egress proxy and any simulator named by a loopback URL are relayed in,
 * and nothing else is reachable, raw sockets included.
 */
import type { Seller } from '../../fixtures/organizations.ts';
import type { RunningMariadb } from '../../platform/mariadb.ts';
import {
  resolveProductionLayout,
  type NetworkRequest,
  type ProductionLayoutRequest,
} from '../../platform/namespace.ts';
import { startNetnsHolder, type NetnsHolder, type OutboundRelay } from '../../platform/netns/holder.ts';
import {
  lookupsIn,
  socketWarningsIn,
  watchSocketWarnings,
  type SocketEgress,
} from '../../platform/netns/php-warnings.ts';
import { followAppends } from '../../platform/follow-file.ts';
import type { EgressProxy } from '../../platform/egress/proxy.ts';
import type { ManagedProcess } from '../../platform/process.ts';
import { portAccepts } from '../../platform/wait.ts';
import type { MaterializedFile } from '../../platform/php-files.ts';
import { startPhpServer } from '../../platform/php.ts';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { commandLineOf } from '../../platform/egress/client-process.ts';
import { clearBitrixCache } from './cache.ts';
import { installRouter, layOutDocumentRoot } from './layout.ts';
import {
  bitrixPhpEnv,
  bitrixPhpIni,
  layoutRunner,
  phpCliRunner,
  writeEgressPrepend,
  writeHarnessIni,
  type LayoutRunner,
  type PhpCliRunner,
} from './php-runtime.ts';
import { connectAsApp, seedBitrix } from './seed.ts';
import { running, type Running } from '../../platform/lifecycle.ts';

export { bitrixPhpEnv } from './php-runtime.ts';
export {
  dbconnPhp,
  layOutDocumentRoot,
  referenceClassesDir,
  routerScript,
  wwwTemplateDir,
} from './layout.ts';

export interface StartBitrixOptions {
  runDir: string;
  mariadb: RunningMariadb;
  /**
   * Stored as the option onelab.kaspipay / kaspi_api_url. Omit it to leave the option unset: the
   * reference ApiClient then calls its production host https://qrapi-cert-ip.kaspi.kz (through the
   * egress proxy).
   */
  kaspiUrl?: string;
  /** Full base URL of the payment-service including /api (option payment_service_url); omit as above. */
  paymentServiceUrl?: string;
  seed: number;
  /** The marketplace's sellers (default: fixtures/sellers.json). */
  sellers?: readonly Seller[];
  /** A local/classes tree (containing Integration/...) to run instead of the reference classes. */
  phpClassesDir?: string;
  /** The team's init.php (installed as local/php_interface/init.php). */
  phpInitFile?: string;
  /** Files the code opens by absolute path under /home (certificates), with test material. */
  materializedFiles?: readonly MaterializedFile[];
  /** `http://127.0.0.1:<port>` of the egress proxy; without it outbound calls fail fast. */
  egressProxyUrl?: string;
  /**
   * The egress proxy itself, when it runs in this process: inside a network namespace its connections
   * then keep their origin (the refused PHP code is named) and raw-socket attempts join its record.
   */
  egressProxy?: Pick<EgressProxy, 'url' | 'acceptConnection' | 'record' | 'onBeforeRead'>;
  /** PEM of the harness CA: PHP's curl.cainfo and openssl.cafile. */
  caCertFile?: string;
  /**
   * Default `auto`: the production layout (/home/bitrix/www in a private mount namespace) where the
   * machine allows it, else `relocatable` with the reason logged.
   */
  productionLayout?: ProductionLayoutRequest;
  /** A private network namespace for PHP (needs the namespace layout); default `auto`. */
  network?: NetworkRequest;
  /** Stored as onelab.kaspipay / webhook_url: the storefront POSTs there when a payment completes. */
  webhookUrl?: string;
  port?: number;
  workers?: number;
}

export interface BitrixStub extends Running {
  url: string;
  /** Host path of the document root. */
  documentRoot: string;
  /** The document root as PHP sees it (`/home/bitrix/www` in the production layout). */
  visibleDocumentRoot: string;
  layout: {
    kind: 'namespace' | 'relocatable';
    note?: string;
    /** `namespace`: PHP has a network of its own (platform/netns); `proxy-only`: only its proxy settings. */
    network: 'namespace' | 'proxy-only';
    networkNote?: string;
  };
  /** The network namespace's gateway, when there is one (its death cuts PHP off). */
  networkGateway?: ManagedProcess;
  /** `php -S` serving the site (its death takes the storefront down). */
  phpServer: ManagedProcess;
  logFiles: { php: string; bxLog: string; kaspiPaymentServiceLog: string };
  /** `php <args>` as the site runs it (same env, ini, layout); cwd defaults to the document root. */
  runCli: PhpCliRunner;
  /**
   * Any command in the site's environment and layout; a `php` it starts reads the harness ini
   * (CA, …) through PHP_INI_SCAN_DIR, as a shell user on the server would get the server's php.ini.
   */
  runCommand: LayoutRunner;
  /**
   * For the egress proxy (`egress.setClientDescriber(stub.describeEgressClient)`): the PHP code behind
   * a process id — `php -S: POST /local/api/checkout.php` for a web request, the command for a CLI run.
   */
  describeEgressClient(pid: number): string | undefined;
  /** This run's application database (what the guide's `mysql -u usercvety -p dbcvety` reaches). */
  database: { host: string; port: number; name: string; user: string; password: string };
  /** Empties bitrix/cache and bitrix/managed_cache, like the admin panel's "Clear cache". */
  clearCache(): Promise<void>;
}

function describePhpProcess(traceDir: string, pid: number): string | undefined {
  try {
    return `php -S: ${readFileSync(join(traceDir, String(pid)), 'utf8')}`;
  } catch {
    const command = commandLineOf(pid);
    return command?.startsWith('php') ? `php CLI: ${command}` : undefined;
  }
}

/** A loopback URL's port when something listens there now (a simulator a test named directly). */
async function loopbackPort(url: string | undefined): Promise<number | undefined> {
  if (url === undefined) return undefined;
  const parsed = new URL(url);
  if (!['127.0.0.1', 'localhost'].includes(parsed.hostname)) return undefined;
  const port = Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
  // Nothing listening (the tests' dead 127.0.0.1:9): left unrelayed, it is refused inside as outside.
  return (await portAccepts(port)) ? port : undefined;
}

/** What 127.0.0.1 inside PHP's network namespace reaches: the database, the proxy, named simulators. */
async function outboundRelays(options: StartBitrixOptions): Promise<OutboundRelay[]> {
  const relays: OutboundRelay[] = [{ port: options.mariadb.port, socket: options.mariadb.socket }];
  const proxyUrl = options.egressProxy?.url ?? options.egressProxyUrl;
  if (proxyUrl !== undefined) {
    const port = Number(new URL(proxyUrl).port);
    const proxy = options.egressProxy;
    relays.push(
      proxy ? { port, accept: (socket, origin) => proxy.acceptConnection(socket, origin) } : { port },
    );
  }
  for (const url of [options.kaspiUrl, options.paymentServiceUrl, options.webhookUrl]) {
    const port = await loopbackPort(url);
    if (port !== undefined && !relays.some((relay) => relay.port === port)) relays.push({ port });
  }
  return relays;
}

export async function startBitrix(options: StartBitrixOptions): Promise<BitrixStub> {
  const layout = resolveProductionLayout(
    options.runDir,
    options.productionLayout ?? 'auto',
    options.network ?? 'auto',
  );
  const egressProxyUrl = options.egressProxy?.url ?? options.egressProxyUrl;
  const documentRoot = await layOutDocumentRoot(options.runDir, options.mariadb, options.phpClassesDir, {
    phpInitFile: options.phpInitFile,
    materializedFiles: options.materializedFiles,
    databaseViaSocket: true,
  });
  const visibleDocumentRoot = layout.toVisible(documentRoot);
  // The namespace's holder starts (a Node process) while MariaDB is seeded: neither needs the other.
  const network = layout.network;
  const holding =
    network.kind === 'namespace'
      ? outboundRelays(options).then((outbound) =>
          startNetnsHolder({
            runDir: options.runDir,
            hostHome: layout.hostHome,
            unshareArgs: network.unshareArgs,
            userNamespace: network.userNamespace,
            inbound: [options.port ?? 0],
            outbound,
            recordLookups: options.egressProxy !== undefined,
          }),
        )
      : Promise.resolve(undefined);
  const seeding = (async () => {
    const connection = await connectAsApp(options.mariadb);
    try {
      await seedBitrix(connection, {
        seed: options.seed,
        sellers: options.sellers,
        kaspiUrl: options.kaspiUrl,
        paymentServiceUrl: options.paymentServiceUrl,
        webhookUrl: options.webhookUrl,
      });
    } finally {
      await connection.end();
    }
  })();
  const [held, seeded] = await Promise.allSettled([holding, seeding]);
  if (held.status === 'rejected') throw held.reason;
  const holder: NetnsHolder | undefined = held.value;
  if (seeded.status === 'rejected') {
    await holder?.stop();
    throw seeded.reason;
  }
  const logFiles = {
    php: resolve(options.runDir, 'logs', 'bitrix-php.log'),
    bxLog: join(documentRoot, '__bx_log.log'),
    kaspiPaymentServiceLog: join(documentRoot, 'bitrix', 'log', 'kaspi_payment_service.log'),
  };
  const traceDir = resolve(options.runDir, 'bitrix-php', 'requests');
  await mkdir(traceDir, { recursive: true });
  const env = { ...bitrixPhpEnv(process.env, egressProxyUrl), KH_REQUEST_TRACE_DIR: traceDir };
  const ini = bitrixPhpIni(
    options.caCertFile,
    await writeEgressPrepend(resolve(options.runDir, 'bitrix-php'), egressProxyUrl),
    options.mariadb.socket,
  );
  const runLayout = holder ? { ...layout, wrap: holder.wrap } : layout;
  let php: Awaited<ReturnType<typeof startPhpServer>>;
  try {
    php = await startPhpServer({
      documentRoot,
      visibleDocumentRoot,
      wrap: runLayout.wrap,
      router: await installRouter(options.runDir),
      port: holder?.inboundPorts[0] ?? options.port,
      workers: options.workers,
      env,
      iniOverrides: ini,
      logFile: logFiles.php,
    });
  } catch (error) {
    await holder?.stop();
    throw error;
  }
  // Raw sockets the namespace refused show up as PHP warnings only: they join the proxy's record.
  const proxy = options.egressProxy;
  const report = (event: SocketEgress): void => proxy?.record(event);
  const watchers = holder && proxy ? [watchSocketWarnings(logFiles.php, report)] : [];
  // Name lookups have no port (0): nothing inside may resolve a name, the proxy does that.
  if (holder?.dnsLog && proxy)
    watchers.push(
      followAppends(holder.dnsLog, (text) => {
        for (const lookup of lookupsIn(text)) {
          const codePath = lookup.pid === undefined ? undefined : describePhpProcess(traceDir, lookup.pid);
          proxy.record({
            time: lookup.time,
            host: lookup.name,
            port: 0,
            method: 'dns',
            ...(lookup.pid === undefined ? {} : { client: { pid: lookup.pid } }),
            ...(codePath === undefined ? {} : { codePath }),
          });
        }
      }),
    );
  const stopFlushing = watchers.map((watcher) => proxy?.onBeforeRead(watcher.flush));
  const reportCli =
    holder && proxy
      ? <T extends { stderr: string }>(result: T): T => {
          for (const event of socketWarningsIn(result.stderr)) report(event);
          return result;
        }
      : <T>(result: T): T => result;
  const cliEnv = {
    ...env,
    DOCUMENT_ROOT: visibleDocumentRoot,
    ...(await writeHarnessIni(resolve(options.runDir, 'bitrix-php', 'conf.d'), ini)),
  };
  const runCli = phpCliRunner({ env: cliEnv, ini, layout: runLayout, defaultCwd: visibleDocumentRoot });
  const runCommand = layoutRunner({ env: cliEnv, layout: runLayout, defaultCwd: visibleDocumentRoot });
  return running<BitrixStub>(
    {
      url: php.url,
      documentRoot,
      visibleDocumentRoot,
      layout: {
        kind: layout.kind,
        ...(layout.note ? { note: layout.note } : {}),
        network: layout.network.kind,
        ...(layout.network.kind === 'proxy-only' ? { networkNote: layout.network.note } : {}),
      },
      ...(holder ? { networkGateway: holder.process } : {}),
      phpServer: php.process,
      logFiles,
      runCli: async (args, runOptions) => reportCli(await runCli(args, runOptions)),
      runCommand: async (command, args, runOptions) => reportCli(await runCommand(command, args, runOptions)),
      describeEgressClient: (pid) => describePhpProcess(traceDir, pid),
      database: {
        host: options.mariadb.host,
        port: options.mariadb.port,
        name: options.mariadb.database.name,
        user: options.mariadb.database.user,
        password: options.mariadb.database.password,
      },
      clearCache: () => clearBitrixCache(documentRoot),
    },
    async () => {
      await php.stop();
      for (const stop of stopFlushing) stop?.();
      for (const watcher of watchers) watcher.stop();
      await holder?.stop();
    },
  );
}
