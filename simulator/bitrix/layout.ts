/**
 * The stub's files for a run, in the production layout under `<runDir>/home`: the www/ template,
 * a `local/classes` tree (the reference classes or a team's own), the team's init.php, dbconn.php
 * with this run's credentials, and the files the team's code opens by absolute path.
 */
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunningMariadb } from '../../platform/mariadb.ts';
import { writeMaterializedFiles, type MaterializedFile } from '../../platform/php-files.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const wwwTemplateDir = join(here, 'www');
export const referenceClassesDir = join(here, 'integration');
export const routerScript = join(here, 'router.php');
/** The order page draws the Kaspi QR in the browser; the encoder is served by the stub (no CDN). */
const qrEncoderScript = createRequire(import.meta.url).resolve('qrcode-generator');

function phpString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * `viaSocket`: `$DBHost = 'localhost'`, which mysqli reaches through php.ini's
 * `mysqli.default_socket` (bitrixPhpIni), as on a typical Bitrix host. PHP's network namespace has
 * no route to the host's TCP ports: a unix socket crosses it with no relay in between.
 */
export function dbconnPhp(mariadb: RunningMariadb, { viaSocket = false } = {}): string {
  return [
    '<?php',
    '// Generated per run by simulator/bitrix/layout.ts: this run database credentials.',
    `$DBType = 'mysql';`,
    `$DBHost = ${phpString(viaSocket ? 'localhost' : `${mariadb.host}:${mariadb.port}`)};`,
    `$DBLogin = ${phpString(mariadb.database.user)};`,
    `$DBPassword = ${phpString(mariadb.database.password)};`,
    `$DBName = ${phpString(mariadb.database.name)};`,
    `$DBDebug = false;`,
    `define('BX_FILE_PERMISSIONS', 0644);`,
    `define('BX_DIR_PERMISSIONS', 0755);`,
    '',
  ].join('\n');
}

export interface LayoutFiles {
  phpClassesDir?: string;
  /** The team's init.php, installed as local/php_interface/init.php. */
  phpInitFile?: string;
  materializedFiles?: readonly MaterializedFile[];
  /** dbconn.php names MariaDB's unix socket instead of its TCP port (see dbconnPhp). */
  databaseViaSocket?: boolean;
}

/** Lays out `<runDir>/home/bitrix/www` (returned) and the materialised files around it. */
export async function layOutDocumentRoot(
  runDir: string,
  mariadb: RunningMariadb,
  phpClassesDir?: string,
  files: Omit<LayoutFiles, 'phpClassesDir'> = {},
): Promise<string> {
  const home = resolve(runDir, 'home');
  const documentRoot = join(home, 'bitrix', 'www');
  await rm(documentRoot, { recursive: true, force: true });
  await cp(wwwTemplateDir, documentRoot, { recursive: true });
  await cp(resolve(phpClassesDir ?? referenceClassesDir), join(documentRoot, 'local', 'classes'), {
    recursive: true,
  });
  if (files.phpInitFile) {
    await cp(resolve(files.phpInitFile), join(documentRoot, 'local', 'php_interface', 'init.php'));
  }
  await mkdir(join(documentRoot, 'local', 'js'), { recursive: true });
  await cp(qrEncoderScript, join(documentRoot, 'local', 'js', 'qrcode.js'));
  for (const dir of ['bitrix/php_interface', 'bitrix/log', 'bitrix/cache', 'bitrix/managed_cache']) {
    await mkdir(join(documentRoot, dir), { recursive: true });
  }
  await writeFile(
    join(documentRoot, 'bitrix', 'php_interface', 'dbconn.php'),
    dbconnPhp(mariadb, { viaSocket: files.databaseViaSocket }),
    {
      mode: 0o600,
    },
  );
  await writeMaterializedFiles(home, files.materializedFiles ?? []);
  return documentRoot;
}

/**
 * A copy of the router next to the run (not in the repository): inside a mount namespace the
 * repository may be hidden when it lives under /home.
 */
export async function installRouter(runDir: string): Promise<string> {
  const target = resolve(runDir, 'bitrix-php', 'router.php');
  await mkdir(dirname(target), { recursive: true });
  await cp(routerScript, target);
  return target;
}
