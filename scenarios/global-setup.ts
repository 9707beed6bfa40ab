/**
 * Boots the stacks for the scenario project — one per vitest worker, so that scenario files run in
 * parallel without sharing state — and hands their coordinates to the test files. The stacks are
 * torn down after the run, and also on Ctrl-C or SIGTERM, whichever comes first.
 */
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { seedFromEnv } from '../fixtures/seed.ts';
import { readStackInfo } from '../stack/stack-file.ts';
import type { Stack, StackOptions } from '../stack/stack.ts';
import { reportDirFor } from './report/reporter.ts';
import { stackCount } from './support/stack-pool.ts';

/**
 * The stack provider named by KASPI_HARNESS_STACK: local processes (native), containers (docker), an
 * already running stack described by the JSON that `kaspi-harness up --json` printed, or the one
 * `phase6` is booting for this run (external: left running), or — by default — native where PHP and
 * the databases are installed, else docker. The stack code is loaded only to boot one.
 */
async function provideStack(options: StackOptions): Promise<Stack> {
  const requested = process.env.KASPI_HARNESS_STACK ?? 'auto';
  if (requested === 'external') {
    const file = process.env.KASPI_HARNESS_STACK_FILE;
    if (!file)
      throw new Error(
        'KASPI_HARNESS_STACK=external needs KASPI_HARNESS_STACK_FILE (kaspi-harness up --json)',
      );
    const pending = process.env.KASPI_HARNESS_STACK_FILE_PENDING === '1';
    return { info: await readStackInfo(file, { pending }), stop: async () => undefined };
  }
  const [{ bootStackWith }, { chooseStackKind }] = await Promise.all([
    import('../stack/stack.ts'),
    import('../stack/docker/choose.ts'),
  ]);
  return bootStackWith(await chooseStackKind(requested === 'auto' ? undefined : requested), options);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runId = process.env.KASPI_HARNESS_RUN_ID ?? 'unnamed';
  const quiet = process.env.KASPI_HARNESS_QUIET === '1';
  const log = (line: string) => quiet || console.log(`[stack] ${line}`);
  const count = stackCount();
  const stacks: Stack[] = [];
  const stopAll = async () => {
    await Promise.all(
      stacks.map((stack, index) =>
        stack.stop({ keepLogsIn: join(reportDirFor(runId), 'logs', count > 1 ? `stack-${index + 1}` : '') }),
      ),
    );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping the stack`);
    void stopAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const booted = await Promise.allSettled(
    Array.from({ length: count }, (_, index) =>
      provideStack({
        runId: count > 1 ? `${runId}-${index + 1}` : runId,
        seed: seedFromEnv(),
        phpClassesDir: process.env.KASPI_HARNESS_PHP_CLASSES || undefined,
        phpInitFile: process.env.KASPI_HARNESS_PHP_INIT || undefined,
        phpFilesConfig: process.env.KASPI_HARNESS_PHP_FILES || undefined,
        log: count > 1 ? (line) => log(`#${index + 1} ${line}`) : log,
      }),
    ),
  );
  for (const result of booted) if (result.status === 'fulfilled') stacks.push(result.value);
  const failure = booted.find((result) => result.status === 'rejected');
  if (failure) {
    await stopAll();
    throw failure.reason;
  }
  for (const stack of stacks) {
    log(`ready in ${stack.info.bootMs} ms — Bitrix ${stack.info.bitrix.url}, Kaspi ${stack.info.kaspi.url}`);
  }
  project.provide(
    'stacks',
    stacks.map((stack) => stack.info),
  );

  return async () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stopAll();
  };
}
