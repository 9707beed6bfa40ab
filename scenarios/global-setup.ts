/**
 * Boots one stack for the scenario project and hands its coordinates to the test files. The stack
 * is torn down after the run, and also on Ctrl-C or SIGTERM, whichever comes first.
 */
import type { TestProject } from 'vitest/node';
import { seedFromEnv } from '../fixtures/customers.ts';
import { bootStack } from '../stack/stack.ts';
import { reportDirFor } from './report/reporter.ts';
import { join } from 'node:path';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runId = process.env.KASPI_HARNESS_RUN_ID;
  const quiet = process.env.KASPI_HARNESS_QUIET === '1';
  const log = (line: string) => quiet || console.log(`[stack] ${line}`);
  const stack = await bootStack({
    runId,
    seed: seedFromEnv(),
    phpClassesDir: process.env.KASPI_HARNESS_PHP_CLASSES || undefined,
    log,
  });
  log(`ready in ${stack.info.bootMs} ms — Bitrix ${stack.info.bitrix.url}, Kaspi ${stack.info.kaspi.url}`);
  project.provide('stack', stack.info);

  const keepLogsIn = join(reportDirFor(stack.info.runId), 'logs');
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping the stack`);
    void stack.stop({ keepLogsIn }).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return async () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stack.stop({ keepLogsIn });
  };
}
