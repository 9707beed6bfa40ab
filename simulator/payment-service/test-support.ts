/** Shared by this folder's tests (and the stack's): a real PostgreSQL in a temp run dir, as a part. */
import pg from 'pg';
import { assemble, running, type Running } from '../../platform/lifecycle.ts';
import { startPostgres, type RunningPostgres } from '../../platform/postgres.ts';
import { scratchDir } from '../../platform/run-dir.ts';

export interface TestPostgres extends Running {
  readonly server: RunningPostgres;
  /** A fresh, empty database on the server: each test that needs a clean schema gets its own. */
  createDatabase(name: string): Promise<string>;
}

/** Stopping it stops the server and removes its run dir. */
export async function startTestPostgres(): Promise<TestPostgres> {
  const parts = await assemble()
    .with('dir', () => scratchDir('kh-payment-service-test-'))
    .with('server', ({ dir }) => startPostgres({ runDir: dir.path }))
    .start();
  const { server } = parts;
  return running<TestPostgres>(
    {
      server,
      async createDatabase(name) {
        const admin = new pg.Client({ connectionString: server.url });
        await admin.connect();
        try {
          await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
        } finally {
          await admin.end();
        }
        return server.url.replace(/\/postgres$/, `/${name}`);
      },
    },
    () => parts.stop(),
  );
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

/** FastAPI's 422 item for a value that does not parse as an integer (pydantic's int_parsing). */
export const intParsing = (loc: string[], input: unknown) => ({
  type: 'int_parsing',
  loc,
  msg: 'Input should be a valid integer, unable to parse string as an integer',
  input,
});
