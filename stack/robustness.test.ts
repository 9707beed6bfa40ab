/**
 * The stack under abuse: the harness stopped by SIGTERM or SIGINT at any moment, killed with SIGKILL,
 * two runs at once, a database dying mid-run. Each test runs real `kaspi-harness up` processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { seededFaker } from '../fixtures/customers.ts';
import { sellers } from '../fixtures/organizations.ts';
import { serviceDeaths } from '../platform/health.ts';
import { cleanLeftovers } from '../platform/leftovers.ts';
import { signalGroup } from '../platform/process.ts';
import { checkoutOneProduct } from '../simulator/bitrix/storefront-client.ts';
import { bootStack, type Stack, type StackInfo } from './stack.ts';

const repoRoot = join(import.meta.dirname, '..');
const registryDir = join(tmpdir(), 'kaspi-harness-registry');
const started: ChildProcess[] = [];
const stacks: Stack[] = [];

afterEach(async () => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await Promise.all(stacks.splice(0).map((stack) => stack.stop()));
  cleanLeftovers();
});

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  // Zombies (unreaped by a container's PID 1) count as gone.
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .some((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(fields[2]) === pgid && fields[0] !== 'Z';
      } catch {
        return false;
      }
    });
}

interface RunRecord {
  harnessPid: number;
  runDir: string;
  groups: number[];
}

/** Every run recorded by this harness process (phase6 boots two stacks). */
function recordsOf(harnessPid: number): RunRecord[] {
  if (!existsSync(registryDir)) return [];
  return readdirSync(registryDir).flatMap((file) => {
    try {
      const record = JSON.parse(readFileSync(join(registryDir, file), 'utf8')) as RunRecord;
      return record.harnessPid === harnessPid ? [record] : [];
    } catch {
      return []; // a record being written right now
    }
  });
}

function recordOf(harnessPid: number): RunRecord | undefined {
  return recordsOf(harnessPid)[0];
}

/** `kaspi-harness up --json`; resolves with the child and, once it printed it, its ready line. */
function startUp(options: { ownGroup?: boolean } = {}): {
  child: ChildProcess;
  ready: Promise<StackInfo & { pid: number }>;
} {
  return startCli<StackInfo & { pid: number }>(['up', '--json'], options);
}

/** A `kaspi-harness` command that prints a JSON ready line (`up --json`, `sim … --json`). */
function startCli<Ready>(
  args: string[],
  { ownGroup = false }: { ownGroup?: boolean } = {},
): { child: ChildProcess; ready: Promise<Ready> } {
  // ownGroup: a group of its own, as a terminal gives a command, so a test can press Ctrl-C.
  const child = spawn(process.execPath, ['cli/bin.mjs', ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: ownGroup,
  });
  started.push(child);
  const ready = new Promise<Ready>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line) as Ready);
    });
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}: ${err}`)));
  });
  return { child, ready };
}

async function exitWithin(child: ChildProcess, ms: number): Promise<number> {
  const begun = Date.now();
  if (child.exitCode === null && child.signalCode === null) {
    await Promise.race([new Promise((resolve) => child.once('exit', resolve)), sleep(ms)]);
  }
  return Date.now() - begun;
}

async function everyGroupGoneWithin(groups: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && groups.some(groupAlive)) await sleep(50);
  return groups.filter(groupAlive);
}

/** Waits until the harness has recorded `groups` process groups (its services are starting). */
async function groupsStarted(harnessPid: number, groups: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((recordOf(harnessPid)?.groups.length ?? 0) < groups) {
    if (Date.now() > deadline) throw new Error(`the harness did not start ${groups} process group(s)`);
    await sleep(10);
  }
}

/** Waits until the harness runs a `cp` in its own process group (a database template's copy). */
async function copyRunning(harnessPid: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  const running = () =>
    readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .some((pid) => {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          return stat.includes('(cp)') && Number(fields[1]) === harnessPid;
        } catch {
          return false;
        }
      });
  while (!running()) {
    if (Date.now() > deadline) throw new Error('the harness ran no cp');
    await sleep(2);
  }
}

describe('stopping the harness', () => {
  // A delay, or mid-boot: as soon as the first service (one group) or PHP (the fourth) has started,
  // so the signal surely meets a boot in progress with processes to end. `Ctrl-C` signals the
  // harness's whole process group, as a terminal does: the helpers the boot runs in that group
  // (PostgreSQL's `cp` of its template) die too, while the services it started go on starting.
  for (const [signal, moment] of [
    ['SIGTERM', 700],
    ['SIGINT', 1_500],
    ['SIGTERM', { groups: 1 }],
    ['SIGINT', { groups: 4 }],
    ['Ctrl-C', 'copying'],
    ['SIGTERM', -1],
  ] as const) {
    const when =
      moment === 'copying'
        ? 'mid-boot, while it copies a database template'
        : typeof moment === 'object'
          ? `mid-boot, once ${moment.groups === 1 ? 'its first service' : 'PHP'} has started`
          : moment < 0
            ? 'once it is up'
            : `${moment} ms into the boot`;
    it(`${signal} ${when}: every child process is gone within 5 s and the run directory is removed`, async () => {
      const { child, ready } = startUp({ ownGroup: signal === 'Ctrl-C' });
      if (moment === 'copying') {
        ready.catch(() => undefined);
        await copyRunning(child.pid!);
      } else if (typeof moment === 'object') {
        ready.catch(() => undefined);
        await groupsStarted(child.pid!, moment.groups);
      } else if (moment < 0) await ready;
      else {
        ready.catch(() => undefined);
        await sleep(moment);
      }
      // Groups the boot starts after the signal count too: the record is read until the exit.
      let record = recordOf(child.pid!);
      const follow = setInterval(() => (record = recordOf(child.pid!) ?? record), 5);
      if (signal === 'Ctrl-C') process.kill(-child.pid!, 'SIGINT');
      else child.kill(signal);
      const tookMs = await exitWithin(child, 5_000);
      clearInterval(follow);
      expect(child.exitCode ?? child.signalCode, 'the harness exited').not.toBeNull();
      expect(tookMs).toBeLessThan(5_000);
      if (record) {
        expect(await everyGroupGoneWithin(record.groups, 500), 'process groups still alive').toEqual([]);
        expect(existsSync(record.runDir), `${record.runDir} removed`).toBe(false);
      }
    }, 90_000);
  }

  it('SIGKILL: the next run finds the leftovers by recorded process group and ends them', async () => {
    const { child, ready } = startUp();
    await ready;
    const record = recordOf(child.pid!);
    expect(record?.groups.length, 'the run recorded its process groups').toBeGreaterThanOrEqual(3);
    child.kill('SIGKILL');
    await exitWithin(child, 5_000);
    expect(record!.groups.filter(groupAlive).length, 'children outlive a SIGKILLed harness').toBeGreaterThan(
      0,
    );
    expect(cleanLeftovers()).toBeGreaterThanOrEqual(1);
    expect(await everyGroupGoneWithin(record!.groups, 3_000)).toEqual([]);
    expect(existsSync(record!.runDir)).toBe(false);
  }, 90_000);
});

describe('phase6 (its two stacks boot in the CLI)', () => {
  it('Ctrl-C once both stacks have started a service: both stacks and both runners are gone within 5 s', async () => {
    const child = spawn(process.execPath, ['cli/bin.mjs', 'phase6', '--quiet'], {
      cwd: repoRoot,
      stdio: 'ignore',
      detached: true,
    });
    started.push(child);
    const records = () => recordsOf(child.pid!);
    const deadline = Date.now() + 30_000;
    while (records().filter((record) => record.groups.length > 0).length < 2) {
      if (Date.now() > deadline) throw new Error('phase6 did not start its two stacks');
      await sleep(10);
    }
    let seen = records();
    const follow = setInterval(() => {
      const now = records();
      if (now.length > 0) seen = now;
    }, 5);
    process.kill(-child.pid!, 'SIGINT');
    const tookMs = await exitWithin(child, 5_000);
    clearInterval(follow);
    expect(tookMs).toBeLessThan(5_000);
    expect(child.exitCode).toBe(130);
    const groups = seen.flatMap((record) => record.groups);
    expect(await everyGroupGoneWithin(groups, 500), 'process groups still alive').toEqual([]);
    for (const record of seen) expect(existsSync(record.runDir), `${record.runDir} removed`).toBe(false);
    expect(groupAlive(child.pid!), "the runners (in the CLI's own group) are gone").toBe(false);
  }, 60_000);
});

describe('sim payment-service (its own PostgreSQL)', () => {
  for (const moment of ['up', 'mid-boot'] as const) {
    it(`SIGTERM ${moment === 'up' ? 'once it answers' : 'once PostgreSQL has started'}: PostgreSQL is gone within 5 s, its directory too`, async () => {
      const { child, ready } = startCli<{ url: string }>(['sim', 'payment-service', '--json']);
      if (moment === 'up') {
        const health = await fetch(`${(await ready).url}/health`);
        expect(health.status).toBe(200);
      } else {
        ready.catch(() => undefined);
        await groupsStarted(child.pid!, 1);
      }
      const record = recordOf(child.pid!);
      expect(record?.groups.length, 'the sim recorded its PostgreSQL').toBe(1);
      child.kill('SIGTERM');
      expect(await exitWithin(child, 5_000)).toBeLessThan(5_000);
      expect(await everyGroupGoneWithin(record!.groups, 500), 'process groups still alive').toEqual([]);
      expect(existsSync(record!.runDir), `${record!.runDir} removed`).toBe(false);
    }, 60_000);
  }
});

describe('two runs at once', () => {
  it('use different ports and directories, and both take payments', async () => {
    const [a, b] = [startUp(), startUp()];
    const [infoA, infoB] = await Promise.all([a.ready, b.ready]);
    expect(infoA.runDir).not.toBe(infoB.runDir);
    const ports = (info: StackInfo) => [
      info.bitrix.url,
      info.kaspi.url,
      info.paymentService.url,
      String(info.mariadb.port),
      info.postgres.url,
    ];
    expect(ports(infoA).filter((p) => ports(infoB).includes(p))).toEqual([]);
    for (const info of [infoA, infoB]) {
      const { body } = await checkoutOneProduct(info.bitrix.url, sellers[0]!.shopId, seededFaker(info.seed));
      expect(body).toMatchObject({ ok: true, payment: { organizationBin: sellers[0]!.bin } });
    }
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    await Promise.all([exitWithin(a.child, 5_000), exitWithin(b.child, 5_000)]);
  }, 120_000);
});

describe('a service that dies mid-run', () => {
  it('is reported by name with its last log lines', async () => {
    const stack = await bootStack({ seed: 1 });
    stacks.push(stack);
    const record = recordOf(process.pid)!;
    const mariadbGroup = record.groups.find((pgid) =>
      readFileSync(`/proc/${pgid}/cmdline`, 'utf8').includes('mariadbd'),
    );
    expect(mariadbGroup).toBeDefined();
    signalGroup(mariadbGroup!, 'SIGKILL');
    await sleep(300);
    const deaths = serviceDeaths(stack.info.healthFile);
    expect(deaths.map((death) => death.service)).toEqual(['MariaDB']);
    expect(deaths[0]!.message).toMatch(/exited unexpectedly[\s\S]*Last log lines/i);
    // The site's php -S too: the storefront is gone with it.
    const phpGroup = record.groups.find((pgid) => {
      try {
        return readFileSync(`/proc/${pgid}/cmdline`, 'utf8').includes('\u0000-S\u0000127.0.0.1:');
      } catch {
        return false; // MariaDB's, gone
      }
    });
    expect(phpGroup).toBeDefined();
    signalGroup(phpGroup!, 'SIGKILL');
    await sleep(300);
    expect(serviceDeaths(stack.info.healthFile).map((death) => death.service)).toEqual([
      'MariaDB',
      'PHP (php -S)',
    ]);
  }, 90_000);
});

describe('a service that fails to start', () => {
  it('leaves nothing behind: the boot waits for the services starting beside it, then stops them', async () => {
    const runId = `fails-to-start-${process.pid}`;
    const processesOfRun = () =>
      readdirSync('/proc')
        .filter((entry) => /^\d+$/.test(entry))
        .filter((pid) => {
          try {
            return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`kaspi-harness-${runId}-`);
          } catch {
            return false;
          }
        });
    const booting = bootStack({ seed: 1, runId });
    booting.catch(() => undefined);
    // PostgreSQL fails at its first step, the copy of its template, while MariaDB is starting.
    const deadline = Date.now() + 30_000;
    let killed = false;
    while (!killed && Date.now() < deadline) {
      for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
        try {
          const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
          // This run's copy only (its destination is in the run's directory): other test files
          // start PostgreSQL from the same template at the same time.
          const ours = command.includes(`kaspi-harness-${runId}-`);
          if (command.startsWith('cp\0') && command.includes('kaspi-harness-pg-templates') && ours) {
            process.kill(Number(pid), 'SIGKILL');
            killed = true;
          }
        } catch {
          // gone meanwhile
        }
      }
      await sleep(1);
    }
    expect(killed, "PostgreSQL's template copy was caught").toBe(true);
    await expect(booting).rejects.toThrow();
    await sleep(2_000); // time for a MariaDB the boot forgot to finish starting
    expect(processesOfRun(), 'processes of the failed boot still running').toEqual([]);
  }, 60_000);
});
