/**
 * Starts the Bitrix stub for a run: lays out <runDir>/home/bitrix/www in the production layout,
 * migrates and seeds MariaDB, and serves it with `php -S` — inside a private mount namespace where
 * PHP sees /home/bitrix/www, with every outbound connection going through the egress proxy and the
 * harness CA as PHP's only trust anchor.
 */
import type { Seller } from '../../fixtures/organizations.ts';
import type { RunningMariadb } from '../../stack/mariadb.ts';
import { resolveProductionLayout, type ProductionLayoutRequest } from '../../stack/namespace.ts';
import type { MaterializedFile } from '../../stack/php-files.ts';
import { startPhpServer } from '../../stack/php.ts';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { commandLineOf } from '../../stack/egress/client-process.ts';
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
  /** PEM of the harness CA: PHP's curl.cainfo and openssl.cafile. */
  caCertFile?: string;
  /** Default `relocatable` (the layout before the production layout existed); `auto` is recommended. */
  productionLayout?: ProductionLayoutRequest;
  /** Stored as onelab.kaspipay / webhook_url: the storefront POSTs there when a payment completes. */
  webhookUrl?: string;
  port?: number;
  workers?: number;
}

export interface BitrixStub {
  url: string;
  /** Host path of the document root. */
  documentRoot: string;
  /** The document root as PHP sees it (`/home/bitrix/www` in the production layout). */
  visibleDocumentRoot: string;
  layout: { kind: 'namespace' | 'relocatable'; note?: string };
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
  close(): Promise<void>;
}

function describePhpProcess(traceDir: string, pid: number): string | undefined {
  try {
    return `php -S: ${readFileSync(join(traceDir, String(pid)), 'utf8')}`;
  } catch {
    const command = commandLineOf(pid);
    return command?.startsWith('php') ? `php CLI: ${command}` : undefined;
  }
}

export async function startBitrix(options: StartBitrixOptions): Promise<BitrixStub> {
  const layout = resolveProductionLayout(options.runDir, options.productionLayout ?? 'relocatable');
  const documentRoot = await layOutDocumentRoot(options.runDir, options.mariadb, options.phpClassesDir, {
    phpInitFile: options.phpInitFile,
    materializedFiles: options.materializedFiles,
  });
  const visibleDocumentRoot = layout.toVisible(documentRoot);
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
  const logFiles = {
    php: resolve(options.runDir, 'logs', 'bitrix-php.log'),
    bxLog: join(documentRoot, '__bx_log.log'),
    kaspiPaymentServiceLog: join(documentRoot, 'bitrix', 'log', 'kaspi_payment_service.log'),
  };
  const traceDir = resolve(options.runDir, 'bitrix-php', 'requests');
  await mkdir(traceDir, { recursive: true });
  const env = { ...bitrixPhpEnv(process.env, options.egressProxyUrl), KH_REQUEST_TRACE_DIR: traceDir };
  const ini = bitrixPhpIni(
    options.caCertFile,
    await writeEgressPrepend(resolve(options.runDir, 'bitrix-php'), options.egressProxyUrl),
  );
  const php = await startPhpServer({
    documentRoot,
    visibleDocumentRoot,
    wrap: layout.wrap,
    router: await installRouter(options.runDir),
    port: options.port,
    workers: options.workers,
    env,
    iniOverrides: ini,
    logFile: logFiles.php,
  });
  const cliEnv = {
    ...env,
    DOCUMENT_ROOT: visibleDocumentRoot,
    ...(await writeHarnessIni(resolve(options.runDir, 'bitrix-php', 'conf.d'), ini)),
  };
  return {
    url: php.url,
    documentRoot,
    visibleDocumentRoot,
    layout: { kind: layout.kind, ...(layout.note ? { note: layout.note } : {}) },
    logFiles,
    runCli: phpCliRunner({ env: cliEnv, ini, layout, defaultCwd: visibleDocumentRoot }),
    runCommand: layoutRunner({ env: cliEnv, layout, defaultCwd: visibleDocumentRoot }),
    describeEgressClient: (pid) => describePhpProcess(traceDir, pid),
    database: {
      host: options.mariadb.host,
      port: options.mariadb.port,
      name: options.mariadb.database.name,
      user: options.mariadb.database.user,
      password: options.mariadb.database.password,
    },
    clearCache: () => clearBitrixCache(documentRoot),
    close: () => php.stop(),
  };
}
