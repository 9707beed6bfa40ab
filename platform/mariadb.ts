/**
 * A throwaway MariaDB server per run: a fresh data directory under the run, bound to 127.0.0.1 on a
 * kernel-chosen port, in its own process group. The Bitrix stub gets its own database and user with a
 * password generated for this run only (never a hard-coded credential).
 */
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import mysql from 'mysql2/promise';
import { ManagedProcess, runToCompletion } from './process.ts';
import { freePort } from './ports.ts';
import { waitUntil } from './wait.ts';
import { running, type Running } from './lifecycle.ts';

export interface MariadbDatabase {
  name: string;
  user: string;
  password: string;
}

export interface RunningMariadb extends Running {
  host: '127.0.0.1';
  port: number;
  /** Unix socket; root authenticates through it without a password. */
  socket: string;
  rootUser: 'root';
  /** The application's database and user (`dbcvety` / `usercvety`, as on the production site). */
  database: MariadbDatabase;
  process: ManagedProcess;
}

export interface StartMariadbOptions {
  runDir: string;
  port?: number;
  /** An interrupted boot: the template copy is killed and no server is started. */
  signal?: AbortSignal;
}

const missingMessage =
  'MariaDB is missing: run `npx kaspi-harness setup` or `apt-get install mariadb-server`';

/** Finds an executable on PATH or in the sbin directories Debian puts daemons in. */
export function findExecutable(
  name: string,
  extraDirs: readonly string[] = ['/usr/sbin', '/usr/bin'],
): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...extraDirs];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/** Unix socket paths are limited to ~107 bytes; a deep run directory falls back to a short temp dir. */
function socketPathFor(dir: string): string {
  const preferred = join(dir, 'mysqld.sock');
  if (Buffer.byteLength(preferred) < 100) return preferred;
  return join(mkdtempSync(join(tmpdir(), 'kh-mdb-')), 'mysqld.sock');
}

async function rootCanQuery(socket: string): Promise<boolean> {
  const connection = await mysql.createConnection({
    socketPath: socket,
    user: 'root',
    connectTimeout: 1_000,
  });
  try {
    await connection.query('SELECT 1');
    return true;
  } finally {
    await connection.end().catch(() => undefined);
  }
}

async function createAppDatabase(socket: string): Promise<MariadbDatabase> {
  const database: MariadbDatabase = {
    name: 'dbcvety',
    user: 'usercvety',
    password: randomBytes(18).toString('base64url'),
  };
  const connection = await mysql.createConnection({ socketPath: socket, user: 'root' });
  try {
    await connection.query(
      `CREATE DATABASE IF NOT EXISTS \`${database.name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
    // Both host names: TCP clients arrive as 127.0.0.1, socket clients as localhost.
    for (const host of ['127.0.0.1', 'localhost']) {
      await connection.query('CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?', [
        database.user,
        host,
        database.password,
      ]);
      await connection.query(`GRANT ALL PRIVILEGES ON \`${database.name}\`.* TO ?@?`, [database.user, host]);
    }
  } finally {
    await connection.end().catch(() => undefined);
  }
  return database;
}

/**
 * A freshly installed system database, made once per machine and MariaDB build and copied for each
 * run: mariadb-install-db takes 1.5–3 s (more under load, and two at the same moment on two busy
 * cores have been seen to fail), a copy takes a tenth of that. Built in a staging dir and renamed
 * into place, so concurrent runs never see a half-made template.
 */
async function ensureTemplate(installDb: string, mariadbd: string): Promise<string> {
  const build = statSync(mariadbd);
  const template = join(
    tmpdir(),
    `kaspi-harness-mariadb-template-${build.size}-${Math.round(build.mtimeMs)}-redo${redoLogSize}`,
  );
  if (existsSync(join(template, templateMarker))) return template;
  const staging = mkdtempSync(join(tmpdir(), 'kaspi-harness-mariadb-staging-'));
  // Its own tmpdir: installs at the same moment otherwise collide on /tmp/#sql-temptable-* files.
  mkdirSync(join(staging, 'tmp'));
  const args = ['--no-defaults', `--datadir=${join(staging, 'data')}`, '--user=root'];
  args.push('--auth-root-authentication-method=normal', '--skip-test-db', `--tmpdir=${join(staging, 'tmp')}`);
  args.push(`--innodb-log-file-size=${redoLogSize}`);
  try {
    try {
      await runToCompletion(installDb, args);
    } catch {
      rmSync(join(staging, 'data'), { recursive: true, force: true });
      await runToCompletion(installDb, args);
    }
    writeFileSync(join(staging, 'data', templateMarker), '');
    try {
      renameSync(join(staging, 'data'), template);
    } catch {
      // Another run installed the same template first: use theirs.
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return template;
}

const templateMarker = '.kaspi-harness-template';
/**
 * The default redo log is 96 MB, which every run copied from the template (114 MB in all, 34 MB
 * with this). The server must be started with the same size, or it resizes the log at start.
 */
const redoLogSize = '16M';

export async function startMariadb(options: StartMariadbOptions): Promise<RunningMariadb> {
  const mariadbd = findExecutable('mariadbd');
  const installDb = findExecutable('mariadb-install-db');
  if (!mariadbd || !installDb) throw new Error(missingMessage);

  const baseDir = resolve(options.runDir, 'mariadb');
  const dataDir = join(baseDir, 'data');
  const tmpDir = join(baseDir, 'tmp');
  mkdirSync(tmpDir, { recursive: true });
  const socket = socketPathFor(baseDir);
  const port = options.port ?? (await freePort());

  // cp -a keeps the data dir exactly as mariadb-install-db left it.
  const template = await ensureTemplate(installDb, mariadbd);
  await runToCompletion('cp', ['-a', template, dataDir], { signal: options.signal });
  options.signal?.throwIfAborted();

  const server = new ManagedProcess({
    name: 'mariadb',
    command: mariadbd,
    args: [
      '--no-defaults',
      `--datadir=${dataDir}`,
      '--user=root',
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${socket}`,
      `--pid-file=${join(baseDir, 'mariadbd.pid')}`,
      `--tmpdir=${tmpDir}`,
      // A test database: durability traded for speed, no binary log, no DNS lookups of clients.
      '--skip-log-bin',
      '--innodb-flush-log-at-trx-commit=0',
      '--innodb-doublewrite=0',
      '--innodb-buffer-pool-size=64M',
      `--innodb-log-file-size=${redoLogSize}`,
      '--performance-schema=OFF',
      '--skip-name-resolve',
      '--character-set-server=utf8mb4',
      '--collation-server=utf8mb4_unicode_ci',
    ],
    logFile: join(baseDir, 'mariadbd.log'),
  });

  try {
    await waitUntil(() => rootCanQuery(socket), `SELECT 1 over ${socket}`, {
      service: 'mariadb',
      timeoutMs: 60_000,
      abort: server.unexpectedExit(),
    });
    const database = await createAppDatabase(socket);
    // SIGTERM makes mariadbd shut down cleanly; a test database needs nothing more.
    return running<RunningMariadb>(
      { host: '127.0.0.1', port, socket, rootUser: 'root', database, process: server },
      () => server.stop(15_000),
    );
  } catch (error) {
    await server.stop();
    throw error;
  }
}
