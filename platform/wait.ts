/**
 * Explicit wait strategies (as testcontainers names them): each polls one readiness signal until a
 * deadline and fails with a message naming the service and what was awaited.
 */
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  /** The service's name, for the error message. */
  service: string;
  timeoutMs?: number;
  intervalMs?: number;
  /** Rejects early when the process under test has already died. */
  abort?: Promise<never>;
}

export async function waitUntil(
  check: () => Promise<boolean>,
  what: string,
  { service, timeoutMs = 20_000, intervalMs = 25, abort }: WaitOptions,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  const poll = async (): Promise<void> => {
    for (;;) {
      try {
        if (await check()) return;
      } catch (error) {
        lastError = error;
      }
      if (Date.now() > deadline) {
        const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
        throw new Error(
          `${service} did not become ready within ${timeoutMs} ms: waited for ${what}${reason}`,
        );
      }
      await sleep(intervalMs);
    }
  };
  await (abort ? Promise.race([poll(), abort]) : poll());
}

export function portAccepts(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export function waitForPort(port: number, options: WaitOptions): Promise<void> {
  return waitUntil(() => portAccepts(port), `a TCP listener on 127.0.0.1:${port}`, options);
}

export function waitForHttp(
  url: string,
  options: WaitOptions,
  accept = (status: number) => status < 500,
): Promise<void> {
  return waitUntil(
    async () => accept((await fetch(url, { signal: AbortSignal.timeout(2_000) })).status),
    `an HTTP answer from ${url}`,
    options,
  );
}
