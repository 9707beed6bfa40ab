/**
 * Deaths of the stack's services, recorded as they happen in a file of the run, so that any process
 * (a test worker, the reporter) can tell "MariaDB died" from "the money went to the wrong BIN".
 */
import { appendFileSync, readFileSync } from 'node:fs';
import type { ManagedProcess } from './process.ts';

export interface ServiceDeath {
  service: string;
  at: string;
  /** How it exited and its last log lines. */
  message: string;
}

export function watchService(healthFile: string, service: string, process: ManagedProcess): void {
  process.unexpectedExit().catch((error: unknown) => {
    const death: ServiceDeath = {
      service,
      at: new Date().toISOString(),
      message: error instanceof Error ? error.message : String(error),
    };
    appendFileSync(healthFile, `${JSON.stringify(death)}\n`);
  });
}

export function serviceDeaths(healthFile: string): ServiceDeath[] {
  let text: string;
  try {
    text = readFileSync(healthFile, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ServiceDeath);
}
