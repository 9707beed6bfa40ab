/**
 * The whole stack as local processes on loopback: MariaDB, PostgreSQL, the Kaspi and payment-service
 * simulators, and the Bitrix stub on PHP. `bootStack` starts what can start in parallel, waits for each
 * part explicitly, and always returns a stack that `stop()` tears down completely — or throws after
 * having torn down whatever had started.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fallbackOrganization, sellers as fixtureSellers, type Seller } from '../fixtures/organizations.ts';
import { startKaspiSimulator } from '../simulator/kaspi/index.ts';
import { startPaymentServiceSimulator } from '../simulator/payment-service/index.ts';
import type { Profile } from '../simulator/payment-service/contracts/profile.ts';
import { startBitrix } from '../simulator/bitrix/index.ts';
import { startMariadb } from '../platform/mariadb.ts';
import { startPostgres } from '../platform/postgres.ts';
import { recordedRun } from '../platform/leftovers.ts';
import { runRunbookChecks } from '../simulator/bitrix/runbook.ts';
import { startHarnessControl } from './harness-control.ts';
import { watchPaymentServiceDatabase, watchService } from '../platform/health.ts';
import { resolveMaterializedFiles } from '../platform/php-files.ts';
import { createRunTls, defaultWebhookHosts, startSandbox } from '../platform/sandbox.ts';
import { copyRunLogs, saveJournal } from '../platform/keep-logs.ts';
import type { NetworkRequest } from '../platform/namespace.ts';
import { newRunId } from '../platform/run-dir.ts';
import { Teardown } from '../platform/lifecycle.ts';
import { stackOf, type Stack, type StackStopOptions } from './running-stack.ts';

export interface StackOptions {
  runId?: string;
  seed: number;
  sellers?: readonly Seller[];
  /** The team's own `local/classes` tree instead of the reference integration classes. */
  phpClassesDir?: string;
  /** The team's own local/php_interface/init.php. */
  phpInitFile?: string;
  /** harness-files.json: files the code opens by absolute path, made from test material. */
  phpFilesConfig?: string;
  /**
   * The contract the site's payment-service serves (`--payment-service-contract`): the simulator serves
   * it from the start and returns to it on every reset. Default: the guide's.
   */
  paymentServiceContract?: Profile;
  /** More hostnames the payment-service simulator answers for (a team's own deployment). */
  paymentServiceHosts?: readonly string[];
  /** Where the storefront sends its "payment completed" webhook (routed to the sink). */
  webhookUrl?: string;
  /** Directories the payment-service control API may read a profile file from, besides the working one. */
  allowDirs?: readonly string[];
  /**
   * PHP's private network namespace (platform/netns): `auto` (default) where possible, `proxy-only` to
   * run without it (the egress proxy's settings only), `namespace` to fail where it is impossible.
   */
  phpNetwork?: NetworkRequest;
  /** Progress lines ("starting MariaDB…"). */
  log?: (line: string) => void;
  /**
   * Ctrl-C or SIGTERM during the boot: the boot stops what it started at its next step and rejects
   * (the CLI aborts it; a runner's own signal handling ends the process).
   */
  signal?: AbortSignal;
}

/** Everything a scenario needs to reach the stack; plain data, so it can cross to test workers. */
export interface StackInfo {
  runId: string;
  runDir: string;
  logsDir: string;
  seed: number;
  bitrix: {
    url: string;
    /** Host path of the document root. */
    documentRoot: string;
    /** The document root as PHP sees it: /home/bitrix/www in the production layout. */
    visibleDocumentRoot: string;
    layout: 'namespace' | 'relocatable';
    /**
     * `namespace`: PHP runs in a private network namespace (platform/netns) and reaches only MariaDB and
     * the egress proxy (in the docker stack: the bitrix container's `network_mode: none` with socket
     * relays); `proxy-only`: where that is impossible, only its proxy settings confine it.
     */
    network: 'namespace' | 'proxy-only';
    logFiles: Record<string, string>;
  };
  /** The PHP runtime's only way out (platform/egress): its control paths report unexpected egress. */
  egress?: { url: string };
  webhookSink?: { url: string };
  /** The docker provider's compose project and the network its services are on (stack/docker). */
  docker?: { project: string; networkMode: 'bridge' | 'host' };
  /** What only the booting process can do: `POST /runbook` runs the guide's snippets (stack/harness-control.ts). */
  harness?: { controlUrl: string };
  kaspi: { url: string; controlUrl: string };
  paymentService: { url: string; apiBaseUrl: string; controlUrl: string };
  postgres: { url: string };
  mariadb: { host: string; port: number; database: string; user: string; password: string };
  fallback: { bin: string; deviceToken: string };
  /** Deaths of stack services during the run (platform/health.ts), one JSON line each. */
  healthFile: string;
  bootMs: number;
}

export { stackOf, type Stack, type StackStopOptions } from './running-stack.ts';

/**
 * Like Promise.all, but settles only when every start has: with Promise.all, one failing start (a
 * Ctrl-C kills PostgreSQL's `cp` of its template) let the boot clean up while MariaDB was still
 * starting, and MariaDB then outlived the run.
 */
async function allStarted<T extends readonly unknown[]>(starts: {
  [K in keyof T]: Promise<T[K]>;
}): Promise<T> {
  const settled = await Promise.allSettled(starts);
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

export async function bootStack(options: StackOptions): Promise<Stack> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const run = recordedRun(options.runId ?? newRunId(), log);
  const { runDir } = run;
  const parts = new Teardown();
  let info: StackInfo | undefined;
  const stop = async (stopOptions: StackStopOptions): Promise<void> => {
    const keep = stopOptions.keepLogsIn;
    if (keep && info) {
      mkdirSync(keep, { recursive: true });
      await Promise.all([
        saveJournal(`${info.kaspi.controlUrl}/control/journal/download`, join(keep, 'kaspi-journal.json')),
        saveJournal(
          `${info.paymentService.controlUrl}/control/requests`,
          join(keep, 'payment-service-requests.json'),
        ),
      ]);
    }
    await parts.stop({ log, signal: stopOptions.signal });
    run.stopRecording();
    if (keep) {
      const documentRoot = info?.bitrix.documentRoot;
      const phpLogs = documentRoot
        ? [
            join(documentRoot, '__bx_log.log'),
            join(documentRoot, 'bitrix', 'log', 'kaspi_payment_service.log'),
          ]
        : [];
      copyRunLogs(runDir.path, phpLogs, keep);
    }
    run.remove();
  };

  const step = (): void => options.signal?.throwIfAborted();
  // An interrupted boot ends its services at once: their starts then fail instead of first
  // waiting for them to be ready (seconds on a loaded machine), and the boot reaches its cleanup.
  const stopKilling = run.killWhenAborted(options.signal);
  try {
    step();
    const sellers = options.sellers ?? fixtureSellers;
    log('starting MariaDB, PostgreSQL and the Kaspi simulator…');
    const { authorities, caCertFile } = await createRunTls(runDir.path);
    const ca = authorities.server;
    const [mariadb, postgres, kaspi] = await allStarted([
      startMariadb({ runDir: runDir.path, signal: options.signal }).then((s) => parts.add('MariaDB', s)),
      startPostgres({ runDir: runDir.path, signal: options.signal }).then((s) => parts.add('PostgreSQL', s)),
      startKaspiSimulator({
        organizations: [...sellers, fallbackOrganization],
        authorities,
      }).then((s) => parts.add('Kaspi simulator', s)),
    ]);
    const healthFile = join(runDir.path, 'health.jsonl');
    watchService(healthFile, 'MariaDB', mariadb.process);
    watchService(healthFile, 'PostgreSQL', postgres.process);
    step();
    log('starting the payment-service simulator and the egress sandbox…');
    const paymentService = await startPaymentServiceSimulator({
      databaseUrl: postgres.url,
      sellers,
      tls: { ca },
      kaspi: { url: kaspi.url },
      ...(options.paymentServiceContract ? { profile: options.paymentServiceContract } : {}),
      allowDirs: options.allowDirs,
    });
    parts.add('payment-service simulator', paymentService);
    const databaseWatch = watchPaymentServiceDatabase(healthFile, paymentService.controlUrl);
    parts.add('payment-service database watch', { stop: async () => databaseWatch.stop() });
    const sandbox = await startSandbox({
      ca,
      caCertFile,
      kaspiListeners: kaspi.listeners,
      paymentServiceTlsUrl: paymentService.tlsUrl!,
      paymentServiceHosts: options.paymentServiceHosts,
      log,
    });
    parts.add('egress proxy and webhook sink', sandbox);
    step();
    const apiBaseUrl = `${paymentService.url}/api`;
    log('starting the Bitrix stub (PHP)…');
    // No Kaspi or payment-service URL is configured: the integration code calls its production hosts
    // (https://qrapi-cert-ip.kaspi.kz, https://payment-service.up.railway.app/api), as on the real
    // site, and the egress proxy is what sends those calls to the simulators.
    const bitrix = await startBitrix({
      runDir: runDir.path,
      mariadb,
      seed: options.seed,
      sellers,
      phpClassesDir: options.phpClassesDir,
      phpInitFile: options.phpInitFile,
      materializedFiles: await resolveMaterializedFiles({
        authorities,
        phpClassesDir: options.phpClassesDir,
        phpInitFile: options.phpInitFile,
        configFile: options.phpFilesConfig,
        log,
      }),
      egressProxy: sandbox.egress,
      caCertFile,
      productionLayout: 'auto',
      network: options.phpNetwork ?? 'auto',
      webhookUrl: options.webhookUrl ?? `https://${defaultWebhookHosts[0]}/hooks/kaspi`,
    });
    parts.add('Bitrix stub', bitrix);
    step();
    sandbox.egress.setClientDescriber(bitrix.describeEgressClient);
    const harness = await startHarnessControl({ 'POST /runbook': () => runRunbookChecks(bitrix) });
    parts.add('harness control API', harness);
    if (bitrix.layout.note) log(bitrix.layout.note);
    if (bitrix.layout.networkNote) log(bitrix.layout.networkNote);
    watchService(healthFile, 'PHP (php -S)', bitrix.phpServer);
    if (bitrix.networkGateway) watchService(healthFile, 'PHP network gateway', bitrix.networkGateway);

    info = {
      runId: runDir.runId,
      runDir: runDir.path,
      logsDir: runDir.logs,
      seed: options.seed,
      bitrix: {
        url: bitrix.url,
        documentRoot: bitrix.documentRoot,
        visibleDocumentRoot: bitrix.visibleDocumentRoot,
        layout: bitrix.layout.kind,
        network: bitrix.layout.network,
        logFiles: { ...bitrix.logFiles },
      },
      egress: { url: sandbox.egress.url },
      harness: { controlUrl: harness.url },
      webhookSink: { url: sandbox.sink.url },
      kaspi: { url: kaspi.url, controlUrl: kaspi.controlUrl },
      paymentService: { url: paymentService.url, apiBaseUrl, controlUrl: paymentService.controlUrl },
      postgres: { url: postgres.url },
      mariadb: {
        host: mariadb.host,
        port: mariadb.port,
        database: mariadb.database.name,
        user: mariadb.database.user,
        password: mariadb.database.password,
      },
      fallback: { bin: fallbackOrganization.bin, deviceToken: fallbackOrganization.deviceToken },
      healthFile,
      bootMs: Date.now() - started,
    };
    step();
    return stackOf(info, stop);
  } catch (error) {
    // An interrupted boot did not fail: nothing to keep.
    const interrupted = options.signal?.aborted === true;
    await stop(
      interrupted ? {} : { keepLogsIn: join(process.cwd(), 'reports', 'failed-boot', runDir.runId) },
    );
    throw error;
  } finally {
    stopKilling();
  }
}

/** Boots the stack with the named provider; testcontainers is loaded only when docker is asked for. */
export async function bootStackWith(kind: 'native' | 'docker', options: StackOptions): Promise<Stack> {
  if (kind === 'native') return bootStack(options);
  // The compose boot is one long step: an interruption is honoured once it is over.
  const stack = await (await import('./docker/provider.ts')).bootDockerStack(options);
  if (options.signal?.aborted) {
    await stack.stop();
    options.signal.throwIfAborted();
  }
  return stack;
}
