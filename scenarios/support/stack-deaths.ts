/**
 * A dead stack service ends the scenarios on that stack at once, by name: every later test or
 * file fails before it starts with the stack failure (stack-failure.ts), and a test or file setup
 * that failed around the death gets that line beside its own error. Without this, a dead sandbox
 * container in the docker stack surfaced as sixteen unexplained "fetch failed".
 *
 * Loaded for every scenario file (vitest.config.ts `setupFiles`), before the file's own hooks.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { failIfStackDied, stackFailureAfter } from './stack-failure.ts';
import { stackForThisWorker } from './stack-pool.ts';

const healthFile = () => stackForThisWorker().healthFile;

beforeAll(() => failIfStackDied(healthFile()));
beforeEach(() => failIfStackDied(healthFile()));

afterEach(async ({ task }) => {
  if (task.result?.state !== 'fail') return;
  const failure = await stackFailureAfter(healthFile());
  if (failure) throw new Error(failure);
});

// A file whose own setup failed (its beforeAll resets the stack's services first).
// vitest reads hook context from a destructuring pattern; the suite is the second argument.
// eslint-disable-next-line no-empty-pattern
afterAll(async ({}, suite) => {
  if (suite.result?.state !== 'fail') return;
  const failure = await stackFailureAfter(healthFile());
  if (failure) throw new Error(failure);
});
