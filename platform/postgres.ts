/**
 * A throwaway PostgreSQL server for one run: the real Debian binaries, a fresh cluster in the run
 * directory, trust auth on 127.0.0.1 only, durability switched off (a test cluster needs speed, not
 * crash safety).
 *
 * PostgreSQL refuses to run as root, so when the harness is root the cluster belongs to the system
 * user `postgres` and every server binary runs through runuser.
 *
 * initdb alone takes about a second, so the first start builds a template cluster once per machine
 * (per binary) and later starts copy it (~0.1 s): a start is then ~0.4 s in total.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { freePort } from './ports.ts';
import { ManagedProcess, runToCompletion, signalGroup } from './process.ts';
import { waitUntil } from './wait.ts';
import { running, type Running } from './lifecycle.ts';

export interface RunningPostgres extends Running {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  port: number;
  dataDir: string;
  process: ManagedProcess;
}

export interface StartPostgresOptions {
  runDir: string;
  port?: number;
  /** An interrupted boot: the template copy is killed and no server is started. */
  signal?: AbortSignal;
}

const missingMessage = 'PostgreSQL is missing: run `npx kaspi-harness setup` or `apt-get install postgresql`';
const serviceUser = 'postgres';

interface Account {
  uid: number;
  gid: number;
}

export async function startPostgres(options: StartPostgresOptions): Promise<RunningPostgres> {
  const binDir = findPostgresBinDir();
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? systemAccount(serviceUser) : undefined;
  const user = asRoot ? serviceUser : undefined;

  const runDir = resolve(options.runDir);
  await mkdir(runDir, { recursive: true });
  const { dataDir, ownDir } = await prepareDataDir(runDir, owner);
  const template = await ensureTemplate(binDir, owner, user);
  // cp -a keeps owner and the 0700 mode PostgreSQL insists on.
  await runToCompletion('cp', ['-a', template, dataDir], { signal: options.signal });
  options.signal?.throwIfAborted();

  const port = options.port ?? (await freePort());
  // The unix socket path is limited to ~107 bytes; a deep run dir gets no socket (TCP is what we use).
  const socketDir = join(dataDir, `.s.PGSQL.${port}`).length < 100 ? dataDir : '';
  const server = new ManagedProcess({
    name: 'postgres',
    command: join(binDir, 'postgres'),
    args: [
      ...['-D', dataDir, '-p', String(port), '-h', '127.0.0.1', '-k', socketDir],
      ...['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    ],
    logFile: join(runDir, 'postgres.log'),
    env: serverEnv(),
    cwd: '/',
    user,
  });

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      await fastShutdown(server, dataDir);
      if (ownDir) await rm(ownDir, { recursive: true, force: true });
    })());

  try {
    await waitUntil(() => answersQuery(url), `SELECT 1 on ${url}`, {
      service: 'postgres',
      timeoutMs: 60_000,
      intervalMs: 20,
      abort: server.unexpectedExit(),
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return running<RunningPostgres>({ url, port, dataDir, process: server }, stop);
}

/** The newest /usr/lib/postgresql/N/bin, else the directory on PATH that has both initdb and postgres. */
export function findPostgresBinDir(): string {
  const hasServer = (dir: string): boolean =>
    existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres'));
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const newest = readdirSync(base)
      .filter((version) => hasServer(join(base, version, 'bin')))
      .sort((a, b) => Number(b) - Number(a))[0];
    if (newest !== undefined) return join(base, newest, 'bin');
  }
  const onPath = (process.env.PATH ?? '').split(delimiter).find((dir) => dir !== '' && hasServer(dir));
  if (onPath === undefined) throw new Error(missingMessage);
  return onPath;
}

/**
 * `<runDir>/postgres` when the server user can reach it; otherwise (a root-made 0700 temp dir
 * above it, say) a 0755 directory under the system temp dir, which stop() removes.
 */
async function prepareDataDir(
  runDir: string,
  owner: Account | undefined,
): Promise<{ dataDir: string; ownDir: string | undefined }> {
  if (!owner || traversableBy(runDir, owner)) {
    const parent = join(runDir, 'postgres');
    await rm(parent, { recursive: true, force: true });
    await mkdir(parent);
    await chmod(parent, 0o755);
    return { dataDir: join(parent, 'data'), ownDir: undefined };
  }
  const ownDir = await mkdtemp(join(tmpdir(), 'kaspi-harness-pg-'));
  await chmod(ownDir, 0o755);
  return { dataDir: join(ownDir, 'data'), ownDir };
}

/** Whether every directory from / down to dir lets the account in (search permission). */
function traversableBy(dir: string, account: Account): boolean {
  for (let current = dir; ; current = dirname(current)) {
    const info = statSync(current);
    const mode = info.mode;
    const ok =
      info.uid === account.uid
        ? (mode & 0o100) !== 0
        : info.gid === account.gid
          ? (mode & 0o010) !== 0
          : (mode & 0o001) !== 0;
    if (!ok) return false;
    if (dirname(current) === current) return true;
  }
}

/**
 * WAL segments of 1 MB instead of 16: every start copies the template, whose first segment was 16
 * of its 39 MB.
 */
const walSegmentMb = 1;

/**
 * A pristine cluster made by initdb, cached under the system temp dir and keyed by the binary, so it
 * is rebuilt when PostgreSQL is upgraded. Built aside and renamed into place so that parallel
 * starts never see half a template.
 */
async function ensureTemplate(
  binDir: string,
  owner: Account | undefined,
  user: string | undefined,
): Promise<string> {
  const build = statSync(join(binDir, 'postgres'));
  const key = `${binDir.replace(/[^A-Za-z0-9]+/g, '_')}-${Math.trunc(build.mtimeMs)}-${process.getuid?.() ?? 0}-wal${walSegmentMb}`;
  const cacheRoot = join(tmpdir(), 'kaspi-harness-pg-templates');
  const template = join(cacheRoot, key);
  if (existsSync(join(template, 'PG_VERSION'))) return template;

  await mkdir(cacheRoot, { recursive: true });
  await chmod(cacheRoot, 0o755);
  const workDir = await mkdtemp(join(cacheRoot, 'build-'));
  await chmod(workDir, 0o755);
  if (owner) await chown(workDir, owner.uid, owner.gid);
  const built = join(workDir, 'data');
  try {
    await runToCompletion(
      join(binDir, 'initdb'),
      [
        ...['-D', built, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C'],
        `--wal-segsize=${walSegmentMb}`,
      ],
      { env: serverEnv(), cwd: '/', user },
    );
    await rename(built, template).catch(async (error: unknown) => {
      // Another start won the race: its template is just as good.
      if (!existsSync(join(template, 'PG_VERSION'))) throw error;
    });
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
  return template;
}

/**
 * SIGINT is PostgreSQL's fast shutdown (SIGTERM would be "smart": wait for every client to leave).
 * It goes to the postmaster alone, because runuser, its parent, answers a signal of its own with a
 * 2 s grace sleep. ManagedProcess.stop() then ends whatever is left of the group.
 */
async function fastShutdown(server: ManagedProcess, dataDir: string): Promise<void> {
  if (server.running) {
    const postmaster = postmasterPid(dataDir);
    const signalled = postmaster !== undefined && signalPid(postmaster, 'SIGINT');
    if (!signalled) signalGroup(server.pid, 'SIGINT');
    await Promise.race([server.exited, new Promise((done) => setTimeout(done, 5_000).unref())]);
  }
  await server.stop();
}

function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function signalPid(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

async function answersQuery(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  // A refused connection also emits 'error' on the client; without a listener it would be thrown.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The parent's PG* variables (PGDATA, PGPORT…) must not leak into the cluster we control. */
function serverEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { LANG: 'C', LC_ALL: 'C' };
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('PG') && !name.startsWith('LC_') && name !== 'LANG') env[name] = value;
  }
  return env;
}

function systemAccount(name: string): Account {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${name}:`));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) throw new Error(missingMessage);
  return { uid: Number(uid), gid: Number(gid) };
}
