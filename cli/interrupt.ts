/**
 * Ctrl-C and SIGTERM while this process boots stacks of its own. The signal aborts the boot, which
 * stops what it had started; without it, a signal during the boot ended the process at once and
 * left MariaDB, PostgreSQL, PHP's gateway and the run directory behind.
 *
 * The handlers stay until `release()`: call it only once the next handlers are installed (those of
 * `untilSignal`, or of a runner child), so no signal ever meets Node's default action.
 */
import { exitCodeOf } from '../platform/signals.ts';

export interface Interrupt {
  readonly signal: AbortSignal;
  /** The process's exit code for the signal received (130 for SIGINT, 143 for SIGTERM), if any. */
  exitCode(): number | undefined;
  release(): void;
}

export function interruptOnSignal(log: (line: string) => void = console.error): Interrupt {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (received) return;
    received = signal;
    log(`${signal}: stopping`);
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    exitCode: () => (received === undefined ? undefined : exitCodeOf(received)),
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
