/**
 * The stacks `kaspi-harness up` keeps running (stack/up-state.ts) as the other commands look for
 * them: their own is the one started from the same working directory; others only when named (by
 * pid, or all of them), so a command never reaches into a stack someone else is using.
 */
import { realpathSync } from 'node:fs';
import type { StackInfo } from '../stack/stack.ts';
import { runningStacks, type UpRecord } from '../stack/up-state.ts';

function samePlace(a: string, b: string): boolean {
  const real = (path: string) => {
    try {
      return realpathSync(path);
    } catch {
      return path;
    }
  };
  return real(a) === real(b);
}

export interface UpStacks {
  /** Started from this working directory. */
  here: UpRecord[];
  elsewhere: UpRecord[];
}

export function upStacks(cwd = process.cwd()): UpStacks {
  const all = runningStacks();
  const here = all.filter((record) => record.cwd !== undefined && samePlace(record.cwd, cwd));
  return { here, elsewhere: all.filter((record) => !here.includes(record)) };
}

/** "3 min", "2 h 5 min": how long a stack has been up. */
export function age(startedAt: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(startedAt)) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** `pid 4242 (run 20260101-…, up 3 min, from /home/qa/site)` */
export function describeStack(record: UpRecord): string {
  const from = record.cwd ?? 'a directory an older version did not record';
  return `pid ${record.pid} (run ${record.info.runId}, up ${age(record.startedAt)}, from ${from})`;
}

/**
 * The one stack a command works on: `--pid N`, else the one started from here. `choose` tells how to
 * pick another ("choose one with --pid N"), `none` what else to do when no stack is up at all. Throws
 * one line when there is none or more than one.
 */
export function ownStack(options: { pid?: number; choose: string; none?: string }): UpRecord {
  const cwd = process.cwd();
  const { here, elsewhere } = upStacks(cwd);
  if (options.pid !== undefined) {
    const named = [...here, ...elsewhere].find((record) => record.pid === options.pid);
    if (!named)
      throw new Error(
        `no \`kaspi-harness up\` with pid ${options.pid} is running (\`kaspi-harness status --all\` lists them)`,
      );
    return named;
  }
  if (here.length === 1) return here[0]!;
  if (here.length > 1)
    throw new Error(
      `${here.length} stacks are up from ${cwd}: ${here.map(describeStack).join('; ')} — ${options.choose}`,
    );
  if (elsewhere.length === 0)
    throw new Error(
      `no stack is up: start one with \`kaspi-harness up\` (in another terminal)${options.none ? `, or ${options.none}` : ''}`,
    );
  throw new Error(
    `no stack is up from ${cwd}; up elsewhere: ${elsewhere.map(describeStack).join('; ')} — ${options.choose}`,
  );
}

/** `[label, url]` of every service a person may open or call. */
export function stackUrls(info: StackInfo): [string, string][] {
  return [
    ['Storefront (Bitrix stub)', info.bitrix.url],
    ['Kaspi simulator', info.kaspi.url],
    ['Kaspi dashboard + control API', info.kaspi.controlUrl],
    ['payment-service simulator', info.paymentService.apiBaseUrl],
    ['payment-service control API', info.paymentService.controlUrl],
    ['PostgreSQL', info.postgres.url],
    [
      'MariaDB',
      `mysql://${info.mariadb.user}@${info.mariadb.host}:${info.mariadb.port}/${info.mariadb.database}`,
    ],
  ];
}
