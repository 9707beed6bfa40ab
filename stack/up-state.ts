/**
 * Stacks started with `kaspi-harness up` announce themselves here, so `kaspi-harness down` (from
 * another terminal) can find and stop them by pid.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '../platform/leftovers.ts';
import type { StackInfo } from './stack.ts';

const upDir = join(tmpdir(), 'kaspi-harness-up');

export interface UpRecord {
  pid: number;
  startedAt: string;
  info: StackInfo;
}

export function announceUp(info: StackInfo): () => void {
  mkdirSync(upDir, { recursive: true });
  const file = join(upDir, `${process.pid}.json`);
  const record: UpRecord = { pid: process.pid, startedAt: new Date().toISOString(), info };
  writeFileSync(file, JSON.stringify(record));
  return () => rmSync(file, { force: true });
}

/** Stacks that are up now; records of dead processes are dropped on the way. */
export function runningStacks(): UpRecord[] {
  let files: string[];
  try {
    files = readdirSync(upDir).filter((file) => file.endsWith('.json'));
  } catch {
    return [];
  }
  const records: UpRecord[] = [];
  for (const file of files) {
    try {
      const record = JSON.parse(readFileSync(join(upDir, file), 'utf8')) as UpRecord;
      if (processAlive(record.pid)) records.push(record);
      else rmSync(join(upDir, file), { force: true });
    } catch {
      rmSync(join(upDir, file), { force: true });
    }
  }
  return records;
}
