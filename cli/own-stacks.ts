/**
 * Stacks that the CLI process boots itself for the runners it starts at the same time (phase6).
 * Each runner is told its stack is `external` and pending: its global setup waits for the StackInfo
 * file that appears once the stack is up (stack/stack-file.ts). The boots thus overlap the runners'
 * own start-up instead of following it, and the stack code is loaded once, here, instead of in
 * each runner (measured: ~2 s less of `npm run phase6` on two cores).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishBootFailure, publishStackInfo } from '../stack/stack-file.ts';
import type { Stack, StackOptions } from '../stack/stack.ts';

export interface OwnStacks {
  /**
   * Starts booting; returns the runner's stack file (run settings `stack.file`), which exists once the stack is
   * up (or a `.failed` file beside it says why it is not).
   */
  boot(name: string, options: StackOptions): string;
  /** Stops the stack if it came up, keeping its logs in `keepLogsIn`. */
  stop(name: string, keepLogsIn: string): Promise<void>;
  /** Stops whatever is still up (logs not kept) and removes the stack files. */
  stopAll(): Promise<void>;
}

export function ownStacks(kind: 'native' | 'docker'): OwnStacks {
  // Private (0700): a StackInfo holds the databases' passwords.
  const dir = mkdtempSync(join(tmpdir(), 'kaspi-harness-stacks-'));
  const booted = new Map<string, Promise<Stack>>();
  const stop = async (name: string, keepLogsIn?: string): Promise<void> => {
    const ready = booted.get(name);
    booted.delete(name);
    const stack = await ready?.catch(() => undefined);
    await stack?.stop({ keepLogsIn });
  };
  return {
    boot(name, options) {
      const file = join(dir, `${name}.json`);
      // The stack code loads here, not when this module does: the runners start meanwhile.
      const ready = import('../stack/stack.ts')
        .then(({ bootStackWith }) => bootStackWith(kind, options))
        .then(
          (stack) => {
            publishStackInfo(file, stack.info);
            return stack;
          },
          (error: unknown) => {
            publishBootFailure(file, error);
            throw error;
          },
        );
      ready.catch(() => undefined); // reported through the .failed file; stop() awaits it
      booted.set(name, ready);
      return file;
    },
    stop,
    async stopAll() {
      await Promise.all([...booted.keys()].map((name) => stop(name)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
