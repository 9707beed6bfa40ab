/**
 * The state of each `kaspi-harness up`: one JSON file per process in $TMPDIR/kaspi-harness-up-UID, written
 * once the stack answers and removed once it has stopped. It says where the stack was started from
 * (the working directory: `down`, `status`, `logs` and `chaos` there find their own stack), what it
 * serves (the StackInfo: URLs, control URLs), where its services log, and which process holds it.
 * Private to the user (0700 directory, 0600 files): a StackInfo holds the databases' passwords.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '../platform/leftovers.ts';
import type { StackInfo } from './stack.ts';

/** Where one service of the stack logs: a file, or (docker stack) a container's output. */
export type ServiceLog = { service: string; file: string } | { service: string; container: string };

export interface UpRecord {
  pid: number;
  /**
   * When the process started, in clock ticks since boot (Linux: /proc/PID/stat), so that a pid the
   * system gave to another process since is not taken for this stack (and never sent a signal).
   */
  processStart?: string;
  startedAt: string;
  /** The working directory `up` ran in. Absent in the records of older versions. */
  cwd?: string;
  info: StackInfo;
  /** Absent in the records of older versions. */
  logs?: ServiceLog[];
}

/** One directory per user: another user's stacks are not ours to list or stop. */
const upDir = (): string => join(tmpdir(), `kaspi-harness-up-${process.getuid?.() ?? 'user'}`);

/** Field 22 of /proc/PID/stat (the comm field before it may hold spaces and parentheses). */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Records this process's stack; returns the function that removes the record. */
export function announceUp(info: StackInfo, logs: readonly ServiceLog[]): () => void {
  const dir = upDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${process.pid}.json`);
  const record: UpRecord = {
    pid: process.pid,
    processStart: processStart(process.pid),
    startedAt: new Date().toISOString(),
    cwd: process.cwd(),
    info,
    logs: [...logs],
  };
  // Written aside and renamed: a reader never sees half a record.
  const partial = `${file}.partial`;
  writeFileSync(partial, JSON.stringify(record, null, 2), { mode: 0o600 });
  renameSync(partial, file);
  return () => rmSync(file, { force: true });
}

/** Whether the record's process is still the one that wrote it. */
function stillRunning(record: UpRecord): boolean {
  if (!Number.isSafeInteger(record.pid) || !processAlive(record.pid)) return false;
  const now = record.processStart === undefined ? undefined : processStart(record.pid);
  return now === undefined || now === record.processStart;
}

/** Stacks that are up now, oldest first; records of processes that are gone are dropped on the way. */
export function runningStacks(): UpRecord[] {
  const dir = upDir();
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.json'));
  } catch {
    return [];
  }
  const records: UpRecord[] = [];
  for (const file of files) {
    try {
      const record = JSON.parse(readFileSync(join(dir, file), 'utf8')) as UpRecord;
      if (stillRunning(record)) records.push(record);
      else rmSync(join(dir, file), { force: true });
    } catch {
      rmSync(join(dir, file), { force: true });
    }
  }
  return records.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

/** Whether the process that held this stack has ended. */
export function stackGone(record: UpRecord): boolean {
  return !stillRunning(record);
}
