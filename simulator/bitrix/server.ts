/**
 * Starts the Bitrix stub for a run: lays out <runDir>/home/bitrix/www in the production layout (the
 * www/ template plus a local/classes tree: ours from integration/ or a team's own), writes dbconn.php
 * with this run's database credentials, migrates and seeds MariaDB, and serves it with `php -S`.
 */
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunningMariadb } from '../../stack/mariadb.ts';
import { startPhpServer } from '../../stack/php.ts';
import { clearBitrixCache } from './cache.ts';
import { connectAsApp, seedBitrix } from './seed.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const wwwTemplateDir = join(here, 'www');
export const referenceClassesDir = join(here, 'integration');
export const routerScript = join(here, 'router.php');

export interface StartBitrixOptions {
  runDir: string;
  mariadb: RunningMariadb;
  kaspiUrl: string;
  /** Full base URL of the payment-service including /api. */
  paymentServiceUrl: string;
  seed: number;
  /** A local/classes tree (containing Integration/...) to run instead of the reference classes. */
  phpClassesDir?: string;
  port?: number;
  workers?: number;
}

export interface BitrixStub {
  url: string;
  documentRoot: string;
  logFiles: { php: string; bxLog: string; kaspiPaymentServiceLog: string };
  /** Empties bitrix/cache and bitrix/managed_cache, like the admin panel's "Clear cache". */
  clearCache(): Promise<void>;
  close(): Promise<void>;
}

/** Egress to anything but loopback goes to a dead proxy and fails fast instead of reaching the internet. */
export function bitrixPhpEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const deadProxy = 'http://127.0.0.1:9';
  return {
    ...base,
    HTTP_PROXY: deadProxy,
    HTTPS_PROXY: deadProxy,
    http_proxy: deadProxy,
    https_proxy: deadProxy,
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
  };
}

function phpString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function dbconnPhp(mariadb: RunningMariadb): string {
  return [
    '<?php',
    '// Generated per run by simulator/bitrix/server.ts: this run database credentials.',
    `$DBType = 'mysql';`,
    `$DBHost = ${phpString(`${mariadb.host}:${mariadb.port}`)};`,
    `$DBLogin = ${phpString(mariadb.database.user)};`,
    `$DBPassword = ${phpString(mariadb.database.password)};`,
    `$DBName = ${phpString(mariadb.database.name)};`,
    `$DBDebug = false;`,
    `define('BX_FILE_PERMISSIONS', 0644);`,
    `define('BX_DIR_PERMISSIONS', 0755);`,
    '',
  ].join('\n');
}

export async function layOutDocumentRoot(
  runDir: string,
  mariadb: RunningMariadb,
  phpClassesDir?: string,
): Promise<string> {
  const documentRoot = resolve(runDir, 'home', 'bitrix', 'www');
  await rm(documentRoot, { recursive: true, force: true });
  await cp(wwwTemplateDir, documentRoot, { recursive: true });
  await cp(resolve(phpClassesDir ?? referenceClassesDir), join(documentRoot, 'local', 'classes'), {
    recursive: true,
  });
  for (const dir of ['bitrix/log', 'bitrix/cache', 'bitrix/managed_cache']) {
    await mkdir(join(documentRoot, dir), { recursive: true });
  }
  await writeFile(join(documentRoot, 'bitrix', 'php_interface', 'dbconn.php'), dbconnPhp(mariadb), {
    mode: 0o600,
  });
  return documentRoot;
}

export async function startBitrix(options: StartBitrixOptions): Promise<BitrixStub> {
  const documentRoot = await layOutDocumentRoot(options.runDir, options.mariadb, options.phpClassesDir);
  const connection = await connectAsApp(options.mariadb);
  try {
    await seedBitrix(connection, {
      seed: options.seed,
      kaspiUrl: options.kaspiUrl,
      paymentServiceUrl: options.paymentServiceUrl,
    });
  } finally {
    await connection.end();
  }
  const logFiles = {
    php: resolve(options.runDir, 'logs', 'bitrix-php.log'),
    bxLog: join(documentRoot, '__bx_log.log'),
    kaspiPaymentServiceLog: join(documentRoot, 'bitrix', 'log', 'kaspi_payment_service.log'),
  };
  const php = await startPhpServer({
    documentRoot,
    router: routerScript,
    port: options.port,
    workers: options.workers,
    env: bitrixPhpEnv(),
    logFile: logFiles.php,
  });
  return {
    url: php.url,
    documentRoot,
    logFiles,
    clearCache: () => clearBitrixCache(documentRoot),
    close: () => php.stop(),
  };
}
