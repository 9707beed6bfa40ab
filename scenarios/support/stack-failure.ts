/**
 * What a scenario says when a stack service died (platform/health.ts: a process, a container, the
 * payment-service's database): `STACK FAILURE, not a test result: <service> died …`, instead of
 * whatever the dead service made the test see (often only "fetch failed").
 */
import { serviceDeaths, type ServiceDeath } from '../../platform/health.ts';

/** One line: who died, when, and the first line of how. */
export function stackFailure(deaths: readonly ServiceDeath[]): string {
  const [first] = deaths;
  // The first line says how it ended ("… exited unexpectedly (code 137). Last log lines:").
  const how = (first?.message.split('\n')[0] ?? '').replace(/\.? *Last log lines:$/, '');
  return `STACK FAILURE, not a test result: ${deaths.map((death) => death.service).join(', ')} died (${first?.at}: ${how}); see the run's logs`;
}

/** Before a test: throws the stack failure when a service already died. */
export function failIfStackDied(healthFile: string): void {
  const deaths = serviceDeaths(healthFile);
  if (deaths.length > 0) throw new Error(stackFailure(deaths));
}

/**
 * After a failed test: the stack failure, when a service died, waiting up to `graceMs` for the
 * death to be written (its watcher records it a moment after what it broke); else undefined.
 */
export async function stackFailureAfter(healthFile: string, graceMs = 2_000): Promise<string | undefined> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const deaths = serviceDeaths(healthFile);
    if (deaths.length > 0) return stackFailure(deaths);
    if (Date.now() >= deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
