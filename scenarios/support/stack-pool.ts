/**
 * One stack per vitest worker: files in one worker run one after another on that worker's stack,
 * files in different workers never share state. Vitest numbers its workers 1..maxWorkers
 * (VITEST_POOL_ID), and the config caps maxWorkers at the number of stacks.
 */
import { inject } from 'vitest';
import type { StackInfo } from '../../stack/stack.ts';

declare module 'vitest' {
  interface ProvidedContext {
    stacks: StackInfo[];
  }
}

export function stackForThisWorker(): StackInfo {
  const stacks = inject('stacks');
  const poolId = Number(process.env.VITEST_POOL_ID ?? '1');
  const stack = stacks[(poolId - 1) % stacks.length];
  if (!stack) throw new Error('no stack was booted for the scenario project');
  return stack;
}
