/**
 * A run's private directory: databases, the PHP document root, logs. It lives under the system temp
 * dir (never in the repository) and is world-traversable, because PostgreSQL runs as `postgres`.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { running, type Running } from './lifecycle.ts';

export interface RunDir {
  runId: string;
  path: string;
  logs: string;
  remove(): void;
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `${stamp}-${process.pid}`;
}

export function createRunDir(runId = newRunId()): RunDir {
  const path = mkdtempSync(join(tmpdir(), `kaspi-harness-${runId}-`));
  chmodSync(path, 0o755);
  const logs = join(path, 'logs');
  mkdirSync(logs, { mode: 0o755 });
  return {
    runId,
    path,
    logs,
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

export interface ScratchDir extends Running {
  path: string;
}

/** A private temp directory as a part of a partial stack: `stop()` removes it. */
export async function scratchDir(prefix: string): Promise<ScratchDir> {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return running<ScratchDir>({ path }, async () => rmSync(path, { recursive: true, force: true }));
}
