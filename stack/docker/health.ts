/**
 * Container deaths during a run, in the run's health file (platform/health.ts's format), so a scenario
 * can tell "the MariaDB container died" from "the money went to the wrong BIN", as natively.
 * Listens to `docker events` for the project's `die` events; bitrix-init is expected to exit.
 *
 * Each container that dies also leaves its whole output in the logs directory at once: when `compose
 * up` fails on it, testcontainers downs the project (containers and all) before the provider could
 * collect anything, and a failed boot kept only the image build's log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ServiceDeath } from '../../platform/health.ts';
import { containerLogs } from './runtime.ts';

export interface HealthWatch {
  /** Stop listening (before the stack is taken down on purpose). */
  stop(): void;
}

export function watchContainers(
  project: string,
  healthFile: string,
  logsDir: string,
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
    const expected = oneShot.includes(service) && attributes.exitCode === '0';
    void containerLogs(event.Actor?.ID ?? '', ['--timestamps']).then((output) => {
      if (output !== undefined) {
        mkdirSync(logsDir, { recursive: true });
        writeFileSync(join(logsDir, `docker-${service}.log`), output);
      }
      if (expected) return;
      // The last lines without docker's timestamps (the log file keeps them).
      const tail = output
        ?.trimEnd()
        .split('\n')
        .slice(-15)
        .map((line) => line.replace(/^\S+Z /, ''))
        .join('\n');
      const death: ServiceDeath = {
        service: `${service} container`,
        at: new Date().toISOString(),
        message: `${service} container exited unexpectedly (code ${attributes.exitCode ?? '?'}). Last log lines:\n${tail || '(no log)'}`,
      };
      appendFileSync(healthFile, `${JSON.stringify(death)}\n`);
    });
  });
  return {
    stop: () => {
      closing = true;
      // Only the `docker events` client this watch started, by its own handle.
      events.kill('SIGTERM');
    },
  };
}
