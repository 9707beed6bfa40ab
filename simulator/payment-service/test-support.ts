/** Shared by this folder's tests: a real PostgreSQL per test file, in a temp run dir. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { startPostgres, type RunningPostgres } from '../../platform/postgres.ts';

export interface PostgresHandle {
  readonly server: RunningPostgres;
  /** A fresh, empty database on the server: each test that needs a clean schema gets its own. */
  createDatabase(name: string): Promise<string>;
}

export function usePostgres(): PostgresHandle {
  let server: RunningPostgres | undefined;
  let runDir: string | undefined;
  beforeAll(async () => {
    runDir = await mkdtemp(join(tmpdir(), 'kh-payment-service-test-'));
    server = await startPostgres({ runDir });
  });
  afterAll(async () => {
    await server?.stop();
    if (runDir) await rm(runDir, { recursive: true, force: true });
  });
  return {
    get server() {
      if (!server) throw new Error('PostgreSQL is not started yet (use it inside tests or hooks)');
      return server;
    },
    async createDatabase(name) {
      const admin = new pg.Client({ connectionString: this.server.url });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      } finally {
        await admin.end();
      }
      return this.server.url.replace(/\/postgres$/, `/${name}`);
    },
  };
}

/** The system error code behind a failed fetch (ECONNREFUSED, ECONNRESET…). */
export async function fetchErrorCode(request: Promise<Response>): Promise<string> {
  try {
    const response = await request;
    return `HTTP ${response.status}`;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return cause?.code ?? String(error);
  }
}
