/**
 * A run's private directory: databases, the PHP document root, logs. It lives under the system temp
 * dir (never in the repository) and is world-traversable, because PostgreSQL runs as `postgres`.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
