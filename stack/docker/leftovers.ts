/**
 * Compose projects a harness process started, recorded so that a harness killed with SIGKILL (no
 * Ryuk reaper here: it is disabled, its image cannot be pulled) is cleaned up by the next boot:
 * `compose down` of that project by its name, never of anything else.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '../../platform/leftovers.ts';
import type { ComposeCommand } from './runtime.ts';

const registryDir = join(tmpdir(), 'kaspi-harness-docker-registry');

interface ProjectRecord {
  harnessPid: number;
  project: string;
  composeDir: string;
  files: string[];
}

export function recordProject(record: Omit<ProjectRecord, 'harnessPid'>): () => void {
  mkdirSync(registryDir, { recursive: true });
  const file = join(registryDir, `${record.project}.json`);
  writeFileSync(file, JSON.stringify({ ...record, harnessPid: process.pid }));
  return () => rmSync(file, { force: true });
}

export async function composeDown(
  compose: ComposeCommand,
  record: Omit<ProjectRecord, 'harnessPid'>,
): Promise<void> {
  const args = [
    ...compose.baseArgs,
    ...record.files.flatMap((file) => ['-f', file]),
    '-p',
    record.project,
    'down',
    '--volumes',
    '--timeout',
    '5',
  ];
  const child = spawn(compose.command, args, { cwd: record.composeDir, stdio: 'ignore' });
  child.on('error', () => undefined);
  await once(child, 'close');
}

/** Downs the projects of harness processes that are gone; returns how many. */
export async function cleanDockerLeftovers(
  compose: ComposeCommand,
  log: (line: string) => void = () => undefined,
): Promise<number> {
  let entries: string[];
  try {
    entries = readdirSync(registryDir);
  } catch {
    return 0;
  }
  let cleaned = 0;
  for (const entry of entries) {
    const file = join(registryDir, entry);
    let record: ProjectRecord;
    try {
      record = JSON.parse(readFileSync(file, 'utf8')) as ProjectRecord;
    } catch {
      rmSync(file, { force: true });
      continue;
    }
    if (processAlive(record.harnessPid)) continue;
    log(`removing containers of an earlier run that did not stop them (project ${record.project})`);
    await composeDown(compose, record);
    rmSync(file, { force: true });
    cleaned += 1;
  }
  return cleaned;
}
