import { chmod } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { useParts } from './testing.ts';
import { assemble } from './lifecycle.ts';
import { scratchDir } from './run-dir.ts';
import { startPostgres, type RunningPostgres } from './postgres.ts';

/** Alive and not a zombie: a zombie still answers kill(pid, 0). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('startPostgres', () => {
  // A root-made mkdtemp dir is 0700: the case where the server user cannot reach the run dir.
  const parts = useParts(assemble().with('dir', () => scratchDir('kh-pg-test-')));
  /** The server the first test starts and stops; the later ones look at what it left. */
  let stopped: RunningPostgres | undefined;

  it('starts a real server that answers queries, and stops it completely', async () => {
    const started = Date.now();
    await using server = await startPostgres({ runDir: parts.dir.path });
    stopped = server;
    const startMs = Date.now() - started;
    expect(server.url).toBe(`postgres://postgres@127.0.0.1:${server.port}/postgres`);

    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    const { rows } = await client.query<{ version: string; answer: number }>(
      'SELECT version() AS version, 40 + 2 AS answer',
    );
    expect(rows[0]?.answer).toBe(42);
    expect(rows[0]?.version).toMatch(/^PostgreSQL \d+/);
    const backendPid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    // A client still connected must not hold the shutdown up (fast shutdown, not smart).
    client.on('error', () => undefined);

    const postmaster = Number(readFileSync(join(server.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    expect(alive(postmaster)).toBe(true);
    const stopStarted = Date.now();
    await server.stop();
    const stopMs = Date.now() - stopStarted;
    console.info(`postgres start ${startMs} ms, stop ${stopMs} ms`);

    expect(server.process.running).toBe(false);
    expect(alive(server.process.pid)).toBe(false);
    expect(alive(postmaster)).toBe(false);
    expect(alive(backendPid)).toBe(false);
    expect(stopMs).toBeLessThan(2_000);
    await client.end().catch(() => undefined);
  });

  it('leaves nothing listening on the port once stopped', async () => {
    const client = new pg.Client({ connectionString: stopped!.url, connectionTimeoutMillis: 1_000 });
    client.on('error', () => undefined);
    await expect(client.connect()).rejects.toThrow(/ECONNREFUSED/);
  });

  it('keeps the cluster inside a run dir the server user can traverse', async () => {
    await using reachable = await scratchDir('kh-pg-test-');
    await chmod(reachable.path, 0o755);
    await using second = await startPostgres({ runDir: reachable.path });
    expect(second.dataDir).toBe(join(reachable.path, 'postgres', 'data'));
    expect(existsSync(join(second.dataDir, 'PG_VERSION'))).toBe(true);
  });

  it('puts the cluster of an unreachable (0700) run dir outside it and removes it on stop', () => {
    expect(stopped!.dataDir.startsWith(parts.dir.path)).toBe(process.getuid?.() !== 0);
    expect(existsSync(stopped!.dataDir)).toBe(process.getuid?.() !== 0);
  });
});
