/**
 * Applies the stub's MySQL migrations (`NNN_name.sql`, in file-name order) once each, recording every
 * applied version in `harness_schema_migrations`, so a re-run against the same database is a no-op.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection, RowDataPacket } from 'mysql2/promise';

export const schemaDir = dirname(fileURLToPath(import.meta.url));

export interface Migration {
  version: string;
  sql: string;
}

export function listMigrations(dir = schemaDir): Migration[] {
  return readdirSync(dir)
    .filter((name) => /^\d{3}_[a-z0-9_]+\.sql$/.test(name))
    .sort()
    .map((name) => ({ version: name.replace(/\.sql$/, ''), sql: readFileSync(join(dir, name), 'utf8') }));
}

/** Returns the versions applied by this call. The connection must allow multiple statements. */
export async function migrate(connection: Connection, dir = schemaDir): Promise<string[]> {
  await connection.query(
    `CREATE TABLE IF NOT EXISTS harness_schema_migrations (
       version varchar(100) NOT NULL PRIMARY KEY,
       applied_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP
     )`,
  );
  const [rows] = await connection.query<RowDataPacket[]>('SELECT version FROM harness_schema_migrations');
  const applied = new Set(rows.map((row) => String(row.version)));
  const done: string[] = [];
  for (const migration of listMigrations(dir)) {
    if (applied.has(migration.version)) continue;
    // MySQL DDL commits implicitly, so a failed migration is reported with its name for a manual look.
    try {
      await connection.query(migration.sql);
    } catch (error) {
      throw new Error(`migration ${migration.version} failed: ${(error as Error).message}`, { cause: error });
    }
    await connection.query('INSERT INTO harness_schema_migrations (version) VALUES (?)', [migration.version]);
    done.push(migration.version);
  }
  return done;
}
