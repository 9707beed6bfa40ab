import mysql, { type RowDataPacket } from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { useParts } from './testing.ts';
import { assemble } from './lifecycle.ts';
import { scratchDir } from './run-dir.ts';
import { findExecutable, startMariadb } from './mariadb.ts';
import { portAccepts } from './wait.ts';

let startMs: number;

const parts = useParts(
  assemble()
    .with('dir', () => scratchDir('kh-mariadb-'))
    .with('mariadb', async ({ dir }) => {
      const started = Date.now();
      const mariadb = await startMariadb({ runDir: dir.path });
      startMs = Date.now() - started;
      return mariadb;
    }),
);

describe('startMariadb', () => {
  it('starts on loopback within a few seconds, install included', () => {
    expect(parts.mariadb.host).toBe('127.0.0.1');
    expect(parts.mariadb.rootUser).toBe('root');
    expect(startMs).toBeLessThan(15_000);
  });

  it('gives the app its own database and a per-run random password over TCP', async () => {
    expect(parts.mariadb.database).toMatchObject({ name: 'dbcvety', user: 'usercvety' });
    expect(parts.mariadb.database.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const connection = await mysql.createConnection({
      host: parts.mariadb.host,
      port: parts.mariadb.port,
      user: parts.mariadb.database.user,
      password: parts.mariadb.database.password,
      database: parts.mariadb.database.name,
    });
    const [rows] = await connection.query<RowDataPacket[]>('SELECT DATABASE() AS db, 1 + 1 AS two');
    await connection.end();
    expect(rows[0]).toMatchObject({ db: 'dbcvety', two: 2 });
  });

  it('refuses a wrong password and other databases', async () => {
    await expect(
      mysql.createConnection({
        host: parts.mariadb.host,
        port: parts.mariadb.port,
        user: 'usercvety',
        password: 'usercvety',
      }),
    ).rejects.toThrow(/Access denied/);
    const connection = await mysql.createConnection({
      host: parts.mariadb.host,
      port: parts.mariadb.port,
      user: parts.mariadb.database.user,
      password: parts.mariadb.database.password,
    });
    await expect(connection.query('SELECT * FROM mysql.user')).rejects.toThrow(/denied/);
    await connection.end();
  });

  it('finds executables on PATH or in sbin, and nothing that does not exist', () => {
    expect(findExecutable('mariadbd')).toMatch(/mariadbd$/);
    expect(findExecutable('kaspi-harness-no-such-binary')).toBeUndefined();
  });

  it('stop() ends the server and frees the port', async () => {
    await using dir = await scratchDir('kh-mariadb-stop-');
    await using second = await startMariadb({ runDir: dir.path });
    expect(second.database.password).not.toBe(parts.mariadb.database.password);
    await second.stop();
    expect(second.process.running).toBe(false);
    expect(await portAccepts(second.port)).toBe(false);
  });
});
