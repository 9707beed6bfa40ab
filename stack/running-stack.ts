/**
 * A booted stack as its users hold it: its coordinates and one idempotent stop. Apart from stack.ts
 * so that a runner given an external stack loads none of the simulators.
 */
import type { Running } from '../platform/lifecycle.ts';
import type { StackInfo } from './stack.ts';

export interface Stack extends Running {
  info: StackInfo;
  /**
   * Stops every part, newest first (platform/lifecycle.ts); copies the logs to `keepLogsIn` before
   * removing the run dir. Asking again awaits the same stop.
   */
  stop(options?: StackStopOptions): Promise<void>;
}

export interface StackStopOptions {
  /** Where the stack's logs and journals are copied before its run directory goes. */
  keepLogsIn?: string;
  signal?: AbortSignal;
}

/** A stack whose `stop` runs once, whoever asks and however often (the first caller's options). */
export function stackOf(info: StackInfo, stop: (options: StackStopOptions) => Promise<void>): Stack {
  let stopping: Promise<void> | undefined;
  const once = (options: StackStopOptions = {}): Promise<void> => (stopping ??= stop(options));
  return { info, stop: once, [Symbol.asyncDispose]: () => once() };
}
