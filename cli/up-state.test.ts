/**
 * `kaspi-harness up` leaves a state file behind while it runs; `status`, `logs`, `chaos` and `down`
 * find their stack by it, from the directory it was started in. Everything runs in a private TMPDIR,
 * so the stacks of other people on this machine are neither seen nor stopped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../platform/ports.ts';
import type { StackInfo } from '../stack/stack.ts';

const repoRoot = join(import.meta.dirname, '..');
const bin = join(repoRoot, 'cli', 'bin.mjs');
// World-traversable: PostgreSQL runs as its own user and must reach its run directory in here.
const temp = mkdtempSync(join(tmpdir(), 'kaspi-harness-up-state-'));
chmodSync(temp, 0o755);
const env = { ...process.env, TMPDIR: temp, NO_COLOR: '1' };
const started: ChildProcess[] = [];
afterAll(async () => {
  for (const child of started)
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  rmSync(temp, { recursive: true, force: true });
});

const directory = (name: string): string => {
  const path = join(temp, name);
  mkdirSync(path, { recursive: true });
  return path;
};

/** A CLI command to its end. */
async function cli(args: string[], cwd: string): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [bin, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, out, err };
}

const alive = (child: ChildProcess): boolean => child.exitCode === null && child.signalCode === null;

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const upState = pathToFileURL(join(repoRoot, 'stack', 'up-state.ts')).href;

/**
 * A process that records itself as `up` does (the real announceUp) with a stack at a closed port, and
 * removes its record on SIGTERM: what `down`, `status` and `logs` choose among, without booting stacks.
 */
async function standIn(cwd: string, port: number): Promise<ChildProcess> {
  const url = `http://127.0.0.1:${port}`;
  const info = {
    runId: `stand-in-${cwd.split('/').pop()}`,
    runDir: cwd,
    bitrix: { url, logFiles: {} },
    kaspi: { url, controlUrl: url },
    paymentService: { url, apiBaseUrl: `${url}/api`, controlUrl: url },
    postgres: { url: `postgres://postgres@127.0.0.1:${port}/postgres` },
    mariadb: { host: '127.0.0.1', port, database: 'db', user: 'user', password: 'x' },
  };
  const script = `
    const { announceUp } = await import(${JSON.stringify(upState)});
    const forget = announceUp(${JSON.stringify(info)}, []);
    process.on('SIGTERM', () => { forget(); process.exit(0); });
    setInterval(() => undefined, 60_000);
    console.log('ready');`;
  const child = spawn(process.execPath, ['--import', tsxLoader, '--input-type=module', '-e', script], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  started.push(child);
  await once(createInterface({ input: child.stdout! }), 'line');
  return child;
}

describe('which stack: the one started here, others only when named', () => {
  it('down, status and logs choose by working directory, --pid and --all', async () => {
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(directory) as [string, string, string, string];
    const port = await freePort();
    const [a1, a2, fromB, fromC] = (await Promise.all([a, a, b, c].map((cwd) => standIn(cwd, port)))) as [
      ChildProcess,
      ChildProcess,
      ChildProcess,
      ChildProcess,
    ];
    const pids = [a1, a2, fromB, fromC].map((child) => child.pid!);

    const none = await cli(['status'], d);
    expect(none.code).toBe(1);
    expect(none.out).toBe(
      `No stack is up from ${d}.\n4 up from other directories: \`kaspi-harness status --all\` lists them.\n`,
    );
    const all = await cli(['status', '--all', '--json'], d);
    expect(all.code).toBe(0);
    const state = JSON.parse(all.out) as {
      up: boolean;
      stacks: { pid: number; cwd: string; urls: { url: string; answering: boolean; problem?: string }[] }[];
    };
    expect(state.up).toBe(true);
    expect(state.stacks.map((stack) => [stack.pid, stack.cwd]).sort()).toEqual(
      [
        [pids[0], a],
        [pids[1], a],
        [pids[2], b],
        [pids[3], c],
      ].sort(),
    );
    // Nothing listens at the stand-ins' port: status says so for each URL.
    expect(state.stacks[0]!.urls).toContainEqual({
      name: 'Kaspi dashboard + control API',
      url: `http://127.0.0.1:${port}`,
      answering: false,
      problem: 'connection refused',
    });

    const ambiguous = await cli(['logs'], a);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.err).toMatch(
      new RegExp(`^kaspi-harness logs: 2 stacks are up from ${a}: pid \\d+ .*choose one with --pid N\\n$`),
    );

    const elsewhere = await cli(['down'], d);
    expect(elsewhere.code).toBe(0);
    expect(elsewhere.out).toContain(`No stack is up from ${d}. Up from elsewhere:`);
    for (const pid of pids) expect(elsewhere.out).toContain(`pid ${pid} `);
    expect(elsewhere.out).toContain('kaspi-harness down --all');
    expect([a1, a2, fromB, fromC].every(alive)).toBe(true);

    expect((await cli(['down', '--pid', String(fromB.pid)], d)).code).toBe(0);
    expect([alive(a1), alive(a2), alive(fromB), alive(fromC)]).toEqual([true, true, false, true]);
    const own = await cli(['down'], a);
    expect(own.code).toBe(0);
    expect(own.out).toContain(`stopped: run stand-in-a (pid ${a1.pid})`);
    expect([alive(a1), alive(a2), alive(fromC)]).toEqual([false, false, true]);
    expect((await cli(['down', '--all'], d)).code).toBe(0);
    expect(alive(fromC)).toBe(false);

    expect(await cli(['down'], d)).toMatchObject({ code: 0, out: 'No stack is up.\n' });
    expect(await cli(['status', '--all'], d)).toMatchObject({ code: 1, out: 'No stack is up.\n' });
  }, 120_000);

  it('a record whose pid now belongs to another process is not a stack: that process is left alone', async () => {
    const other = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 60_000)'], {
      stdio: 'ignore',
    });
    started.push(other);
    await once(other, 'spawn');
    const dir = readdirSync(temp).find((name) => name.startsWith('kaspi-harness-up-'))!;
    const record = { pid: other.pid, processStart: '1', startedAt: new Date().toISOString(), cwd: temp };
    writeFileSync(join(temp, dir, `${other.pid}.json`), JSON.stringify({ ...record, info: {}, logs: [] }));
    expect(await cli(['down', '--all'], temp)).toMatchObject({ code: 0, out: 'No stack is up.\n' });
    await sleep(200);
    expect(alive(other)).toBe(true);
    expect(readdirSync(join(temp, dir))).toEqual([]);
  });
});

describe('a real `kaspi-harness up`', () => {
  it('status, logs (--follow), chaos and down find it from its directory, and only there', async () => {
    const site = directory('site');
    const elsewhere = directory('elsewhere');
    const up = spawn(process.execPath, [bin, 'up', '--stack', 'native', '--json'], {
      cwd: site,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(up);
    let upErr = '';
    up.stderr.setEncoding('utf8').on('data', (chunk: string) => (upErr += chunk));
    const ready = await new Promise<StackInfo & { pid: number }>((resolve, reject) => {
      createInterface({ input: up.stdout }).once('line', (line) => resolve(JSON.parse(line) as never));
      up.once('exit', () => reject(new Error(`up exited before it was ready:\n${upErr}`)));
    });

    const status = await cli(['status', '--json'], site);
    expect(status.code).toBe(0);
    const [stack] = (
      JSON.parse(status.out) as {
        stacks: {
          pid: number;
          cwd: string;
          info: StackInfo;
          urls: { answering: boolean }[];
          logs: { service: string }[];
        }[];
      }
    ).stacks;
    expect(stack).toMatchObject({
      pid: ready.pid,
      cwd: site,
      info: { kaspi: ready.kaspi, runId: ready.runId },
    });
    expect(stack!.urls.every((url) => url.answering)).toBe(true);
    expect(stack!.logs.map((log) => log.service)).toEqual(
      expect.arrayContaining(['postgres', 'mariadbd', 'bitrix-php', 'kaspi_payment_service']),
    );
    const human = await cli(['status'], site);
    expect(human.out).toContain(`pid ${ready.pid} `);
    expect(human.out).toContain(ready.paymentService.controlUrl);

    const postgresLog = await cli(['logs', '--service', 'postgres'], site);
    expect(postgresLog.code).toBe(0);
    expect(postgresLog.out).toContain('database system is ready to accept connections');

    // --follow: storefront requests show up in PHP's log as they are served.
    const follow = spawn(
      process.execPath,
      [bin, 'logs', '--follow', '--service', 'bitrix-php', '--lines', '0'],
      {
        cwd: site,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    started.push(follow);
    let followed = '';
    let followErr = '';
    follow.stdout.setEncoding('utf8').on('data', (chunk: string) => (followed += chunk));
    follow.stderr.setEncoding('utf8').on('data', (chunk: string) => (followErr += chunk));
    const deadline = Date.now() + 20_000;
    let probe = 0;
    while (!/GET \/\?follow-probe-\d+/.test(followed) && Date.now() < deadline) {
      await (await fetch(`${ready.bitrix.url}/?follow-probe-${(probe += 1)}`)).body?.cancel();
      await sleep(500);
    }
    expect(followed).toMatch(/GET \/\?follow-probe-\d+/);

    // chaos finds the Kaspi simulator's control API by itself, from here…
    const fault = await cli(
      ['chaos', 'kaspi', 'status-code', '--status-code=-999', '--path', 'qr/create', '--times', '1'],
      site,
    );
    expect(fault.code).toBe(0);
    const answer = await fetch(`${ready.kaspi.url}/r3/v01/qr/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(((await answer.json()) as { StatusCode: number }).StatusCode).toBe(-999);
    // …and not from another directory, where it says which stack is up and what to give instead.
    const away = await cli(['chaos', 'kaspi', 'installed'], elsewhere);
    expect(away.code).toBe(1);
    expect(away.err).toContain(`no stack is up from ${elsewhere}; up elsewhere: pid ${ready.pid} `);
    expect(away.err).toContain('give --control-url URL');

    const down = await cli(['down'], site);
    expect(down.code).toBe(0);
    expect(down.out).toContain(`stopped: run ${ready.runId} (pid ${ready.pid})`);
    expect(alive(up)).toBe(false);
    // The follower ends with the stack.
    if (alive(follow)) await once(follow, 'exit');
    expect(follow.exitCode).toBe(0);
    expect(followErr).toContain(`the stack (pid ${ready.pid}) has stopped`);

    expect((await cli(['status'], site)).code).toBe(1);
    const gone = await cli(['chaos', 'kaspi', 'installed', '--control-url', ready.kaspi.controlUrl], site);
    expect(gone.code).toBe(1);
    expect(gone.err).toContain(
      `cannot reach the Kaspi simulator's control API at ${ready.kaspi.controlUrl} (connection refused)`,
    );
  }, 180_000);
});
