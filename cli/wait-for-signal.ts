/** Keeps a long-running command alive until Ctrl-C or SIGTERM, then runs its cleanup once. */
export function untilSignal(
  cleanup: () => Promise<void>,
  log: (line: string) => void = console.error,
): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: stopping`);
      cleanup().then(
        () => resolve(0),
        (error: unknown) => {
          log(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
