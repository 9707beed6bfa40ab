/**
 * Records the process groups a run starts, so that a harness killed with SIGKILL can be cleaned up
 * by the next run: by recorded pid and process group, never by process name.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onProcessSpawn, signalGroup } from './process.ts';
import { createRunDir, type RunDir } from './run-dir.ts';

const registryDir = join(tmpdir(), 'kaspi-harness-registry');

interface RunRecord {
  harnessPid: number;
  runDir: string;
  groups: number[];
}

/** Whether a process with this pid exists (EPERM: it does, and belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class RunRegistry {
  private readonly file: string;
  private readonly record: RunRecord;

  constructor(runId: string, runDir: string) {
    mkdirSync(registryDir, { recursive: true });
    this.file = join(registryDir, `${runId}.json`);
    this.record = { harnessPid: process.pid, runDir, groups: [] };
    this.write();
  }

  addGroup(pid: number): void {
    this.record.groups.push(pid);
    this.write();
  }

  release(): void {
    rmSync(this.file, { force: true });
  }

  private write(): void {
    writeFileSync(this.file, JSON.stringify(this.record));
  }
}

/** Ends the process groups and removes the directories of runs whose harness process is gone. */
export function cleanLeftovers(log: (line: string) => void = () => undefined): number {
  let cleaned = 0;
  let entries: string[];
  try {
    entries = readdirSync(registryDir);
  } catch {
    return 0;
  }
  for (const entry of entries.filter((name) => name.endsWith('.json'))) {
    const file = join(registryDir, entry);
    let record: RunRecord;
    try {
      record = JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
    } catch {
      rmSync(file, { force: true });
      continue;
    }
    if (processAlive(record.harnessPid)) continue;
    for (const group of record.groups) signalGroup(group, 'SIGKILL');
    rmSync(record.runDir, { recursive: true, force: true });
    rmSync(file, { force: true });
    cleaned += 1;
    log(
      `cleaned up leftovers of an earlier run (harness pid ${record.harnessPid}, ${record.groups.length} process groups)`,
    );
  }
  return cleaned;
}

export interface RecordedRun {
  runDir: RunDir;
  /** Stops recording the process groups started from now on. */
  stopRecording(): void;
  /**
   * SIGKILLs every process group recorded so far, and from now on each one as it is recorded (an
   * interrupted boot: their data is thrown away).
   */
  killRecorded(): void;
  /**
   * killRecorded() as soon as `signal` aborts (an interrupted boot), until the returned function is
   * called: once the boot is over a group's pid may be reused after the group is gone, so only the
   * boot itself may kill its groups wholesale.
   */
  killWhenAborted(signal: AbortSignal | undefined): () => void;
  /** Stops recording, removes the run directory and its record: the run ended cleanly. */
  remove(): void;
}

/**
 * A new run: first the leftovers of dead runs are ended, then the run gets its directory, and every
 * process group started from now on is recorded, so that a SIGKILL of this process leaves nothing
 * the next run cannot end.
 */
export function recordedRun(runId: string, log: (line: string) => void = () => undefined): RecordedRun {
  cleanLeftovers(log);
  const runDir = createRunDir(runId);
  const registry = new RunRegistry(runDir.runId, runDir.path);
  const groups: number[] = [];
  let killing = false;
  const unsubscribe = onProcessSpawn((pid) => {
    groups.push(pid);
    registry.addGroup(pid);
    // A start already under way when the boot was interrupted still spawns its server: end it too,
    // or the boot waits for that server to be ready before it can stop it (seconds when loaded).
    if (killing) signalGroup(pid, 'SIGKILL');
  });
  const killRecorded = (): void => {
    killing = true;
    for (const group of groups) signalGroup(group, 'SIGKILL');
  };
  return {
    runDir,
    stopRecording: unsubscribe,
    killRecorded,
    killWhenAborted: (signal) => {
      signal?.addEventListener('abort', killRecorded, { once: true });
      return () => signal?.removeEventListener('abort', killRecorded);
    },
    remove: () => {
      unsubscribe();
      runDir.remove();
      registry.release();
    },
  };
}
