import { interruptOnSignal } from './interrupt.ts';

/** Keeps a long-running command alive until Ctrl-C or SIGTERM, then runs its cleanup once. */
export function untilSignal(
  cleanup: () => Promise<void>,
  log: (line: string) => void = console.error,
): Promise<number> {
  // Its handlers stay: the process ends once the cleanup has run, and a second signal meanwhile
  // must not end it midway.
  const { signal } = interruptOnSignal(log);
  return new Promise((resolve) => {
    signal.addEventListener(
      'abort',
      () =>
        void cleanup().then(
          () => resolve(0),
          (error: unknown) => {
            log(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
            resolve(1);
          },
        ),
      { once: true },
    );
  });
}
