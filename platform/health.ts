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
    recordDeath(healthFile, death);
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

/** Appends a death to the run's health file (one JSON line), for any watcher. */
export function recordDeath(healthFile: string, death: ServiceDeath): void {
  appendFileSync(healthFile, `${JSON.stringify(death)}\n`);
}

export interface DatabaseWatchHandle {
  stop(): void;
}

/**
 * The payment-service simulator's PostgreSQL as the simulator itself sees it, through its control
 * API's state (`database`), polled every second: in the docker stack the simulator is in a container
 * and its database in another, and the harness would otherwise only learn of a dead database from a
 * route's bare 500. Recorded once per loss as `payment-service database`; a control API that does
 * not answer is not a database death (the process's own death is reported where it is watched).
 */
export function watchPaymentServiceDatabase(
  healthFile: string,
  controlUrl: string,
  intervalMs = 1_000,
): DatabaseWatchHandle {
  let lost = false;
  let polling = false;
  const poll = async (): Promise<void> => {
    const response = await fetch(`${controlUrl}/control/state`, {
      signal: AbortSignal.timeout(intervalMs * 3),
    });
    if (!response.ok) return;
    const { database } = (await response.json()) as {
      database?: { reachable: boolean; problem?: string; since?: string };
    };
    if (!database) return;
    if (database.reachable) {
      lost = false;
      return;
    }
    if (lost) return;
    lost = true;
    recordDeath(healthFile, {
      service: 'payment-service database',
      at: database.since ?? new Date().toISOString(),
      message: `the payment-service simulator lost its PostgreSQL: ${database.problem ?? 'no answer'}`,
    });
  };
  const timer = setInterval(() => {
    if (polling) return;
    polling = true;
    poll()
      .catch(() => undefined)
      .finally(() => (polling = false));
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
