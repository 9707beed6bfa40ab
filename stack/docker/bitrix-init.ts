/**
 * The bitrix-init container's job: lay out the stub's document root in the shared /home volume (as
 * PHP in the bitrix container sees it: /home/bitrix/www) with the files the code opens by absolute
 * path (client certificates from the run's CA), and seed MariaDB, with the native stack's own code,
 * then exit. Re-running it on an already seeded database only refreshes the files.
 *
 * As natively, no Kaspi or payment-service URL is seeded: the integration code calls its production
 * hosts, and the sandbox container's egress proxy sends those calls to the simulators.
 */
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { defaultSeed } from '../../fixtures/seed.ts';
import { layOutDocumentRoot, routerScript } from '../../simulator/bitrix/layout.ts';
import { connectAsApp, seedBitrix } from '../../simulator/bitrix/seed.ts';
import type { RunningMariadb } from '../../platform/mariadb.ts';
import { resolveMaterializedFiles } from '../../platform/php-files.ts';
import { defaultWebhookHosts } from '../../platform/sandbox.ts';
import { waitUntil } from '../../platform/wait.ts';
import { loadRunAuthorities } from './sandbox-service.ts';
import {
  containerPaths,
  mariadbDatabase,
  mariadbPasswordFile,
  peerHost,
  type ContainerSettings,
} from './settings.ts';

/** containerPaths.home is /home in the bitrix container (layOutDocumentRoot adds `home/`). */
const runDir = dirname(containerPaths.home);

async function alreadySeeded(connection: Connection): Promise<boolean> {
  const [rows] = await connection.query<RowDataPacket[]>(
    "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'b_iblock'",
  );
  if (Number(rows[0]?.n) === 0) return false;
  const [iblocks] = await connection.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM b_iblock');
  return Number(iblocks[0]?.n) > 0;
}

export async function initBitrix(settings: ContainerSettings): Promise<void> {
  const password = (await readFile(mariadbPasswordFile, 'utf8')).trim();
  // Only the coordinates are read by the layout (dbconn.php) and the seed; there is no local process.
  const mariadb = {
    host: peerHost('mariadb', settings.networkMode),
    port: settings.ports.mariadb,
    database: { name: mariadbDatabase.name, user: mariadbDatabase.user, password },
  } as unknown as RunningMariadb;

  // As natively: the declared files, the certificates the team's PHP names, the reference
  // ApiClient's client certificate, all issued from the run's partner CA.
  const { phpClasses: phpClassesDir } = containerPaths;
  const phpInitFile = settings.phpInitName && join(containerPaths.phpInit, settings.phpInitName);
  const materializedFiles = await resolveMaterializedFiles({
    authorities: await loadRunAuthorities(),
    phpClassesDir,
    phpInitFile,
    configFile: settings.phpFilesName && join(containerPaths.phpFiles, settings.phpFilesName),
    log: (line) => console.log(line),
  });
  // PHP reaches MariaDB on its own loopback (the bitrix container has no network; socat relays it).
  const documentRoot = await layOutDocumentRoot(
    runDir,
    { ...mariadb, host: '127.0.0.1' } as RunningMariadb,
    phpClassesDir,
    { materializedFiles, phpInitFile },
  );
  await copyFile(routerScript, join(runDir, 'home', 'bitrix', 'router.php'));
  await mkdir(join(runDir, 'home', 'bitrix', 'logs'), { recursive: true });
  console.log(`document root laid out in ${documentRoot} (/home/bitrix/www in the bitrix container)`);

  // compose waits for MariaDB's healthcheck; this covers engines that start dependents early.
  let connection: Connection | undefined;
  await waitUntil(
    async () => {
      connection = await connectAsApp(mariadb);
      return true;
    },
    `a connection to ${mariadb.host}:${mariadb.port}`,
    { service: 'mariadb', timeoutMs: 60_000, intervalMs: 250 },
  );
  try {
    if (await alreadySeeded(connection!)) {
      console.log('database already seeded: kept as it is');
      return;
    }
    const seed = settings.seed ?? defaultSeed;
    const result = await seedBitrix(connection!, {
      seed,
      // The storefront's "payment completed" webhook: one of the team's hosts, served by the sink.
      webhookUrl: settings.webhookUrl ?? `https://${defaultWebhookHosts[0]}/hooks/kaspi`,
    });
    console.log(`seeded ${result.products.length} products (seed ${seed})`);
  } finally {
    await connection!.end();
  }
}
