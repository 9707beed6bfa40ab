/**
 * Container deaths during a run, in the run's health file (stack/health.ts's format), so a scenario
 * can tell "the MariaDB container died" from "the money went to the wrong BIN", as natively.
 * Listens to `docker events` for the project's `die` events; bitrix-init is expected to exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ServiceDeath } from '../health.ts';
import { tryRun } from './runtime.ts';

export interface HealthWatch {
  /** Stop listening (before the stack is taken down on purpose). */
  close(): void;
}

export function watchContainers(
  project: string,
  healthFile: string,
  oneShot: readonly string[],
): HealthWatch {
  let closing = false;
  const events: ChildProcess = spawn(
    'docker',
    [
      'events',
      '--filter',
      `label=com.docker.compose.project=${project}`,
      '--filter',
      'event=die',
      '--format',
      '{{json .}}',
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  events.on('error', () => undefined);
  createInterface({ input: events.stdout! }).on('line', (line) => {
    if (closing) return;
    let event: { Actor?: { ID?: string; Attributes?: Record<string, string> } };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      return;
    }
    const attributes = event.Actor?.Attributes ?? {};
    const service = attributes['com.docker.compose.service'] ?? 'unknown';
    if (oneShot.includes(service) && attributes.exitCode === '0') return;
    void tryRun('docker', ['logs', '--tail', '15', event.Actor?.ID ?? '']).then((tail) => {
      const death: ServiceDeath = {
        service: `${service} container`,
        at: new Date().toISOString(),
        message: `${service} container exited unexpectedly (code ${attributes.exitCode ?? '?'}). Last log lines:\n${(tail ?? '(no log)').trimEnd()}`,
      };
      appendFileSync(healthFile, `${JSON.stringify(death)}\n`);
    });
  });
  return {
    close: () => {
      closing = true;
      // Only the `docker events` client this watch started, by its own handle.
      events.kill('SIGTERM');
    },
  };
}
