import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExecutable, startMariadb, type RunningMariadb } from './mariadb.ts';
import { portAccepts } from './wait.ts';

let runDir: string;
let mariadb: RunningMariadb;
let startMs: number;

beforeAll(async () => {
  runDir = mkdtempSync(join(tmpdir(), 'kh-mariadb-'));
  const started = Date.now();
  mariadb = await startMariadb({ runDir });
  startMs = Date.now() - started;
});

afterAll(async () => {
  await mariadb?.stop();
  rmSync(runDir, { recursive: true, force: true });
});

describe('startMariadb', () => {
  it('starts on loopback within a few seconds, install included', () => {
    expect(mariadb.host).toBe('127.0.0.1');
    expect(mariadb.rootUser).toBe('root');
    expect(startMs).toBeLessThan(15_000);
  });

  it('gives the app its own database and a per-run random password over TCP', async () => {
    expect(mariadb.database).toMatchObject({ name: 'dbcvety', user: 'usercvety' });
    expect(mariadb.database.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const connection = await mysql.createConnection({
      host: mariadb.host,
      port: mariadb.port,
      user: mariadb.database.user,
      password: mariadb.database.password,
      database: mariadb.database.name,
    });
    const [rows] = await connection.query<RowDataPacket[]>('SELECT DATABASE() AS db, 1 + 1 AS two');
    await connection.end();
    expect(rows[0]).toMatchObject({ db: 'dbcvety', two: 2 });
  });

  it('refuses a wrong password and other databases', async () => {
    await expect(
      mysql.createConnection({
        host: mariadb.host,
        port: mariadb.port,
        user: 'usercvety',
        password: 'usercvety',
      }),
    ).rejects.toThrow(/Access denied/);
    const connection = await mysql.createConnection({
      host: mariadb.host,
      port: mariadb.port,
      user: mariadb.database.user,
      password: mariadb.database.password,
    });
    await expect(connection.query('SELECT * FROM mysql.user')).rejects.toThrow(/denied/);
    await connection.end();
  });

  it('finds executables on PATH or in sbin, and nothing that does not exist', () => {
    expect(findExecutable('mariadbd')).toMatch(/mariadbd$/);
    expect(findExecutable('kaspi-harness-no-such-binary')).toBeUndefined();
  });

  it('stop() ends the server and frees the port', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kh-mariadb-stop-'));
    try {
      const second = await startMariadb({ runDir: dir });
      expect(second.database.password).not.toBe(mariadb.database.password);
      await second.stop();
      expect(second.process.running).toBe(false);
      expect(await portAccepts(second.port)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
