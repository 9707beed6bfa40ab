/**
 * Boots the stacks for the scenario project — one per vitest worker, so that scenario files run in
 * parallel without sharing state — and hands their coordinates to the test files. The stacks are
 * torn down after the run, and also on Ctrl-C or SIGTERM, whichever comes first.
 */
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { exitCodeOf } from '../platform/signals.ts';
import { provideStack } from '../stack/provide.ts';
import { runReportDir, runSettings } from '../stack/run-settings.ts';
import type { Stack } from '../stack/stack.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const settings = runSettings();
  // `run --list` only collects the tests: they reach no stack while being collected.
  if (settings.collectOnly) {
    project.provide('stacks', []);
    return async () => undefined;
  }
  const { runId } = settings;
  const log = (line: string) => settings.quiet || console.log(`[stack] ${line}`);
  const count = settings.stacks;
  const stacks: Stack[] = [];
  const stopAll = async () => {
    await Promise.all(
      stacks.map((stack, index) =>
        stack.stop({
          keepLogsIn: join(runReportDir(settings), 'logs', count > 1 ? `stack-${index + 1}` : ''),
        }),
      ),
    );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping the stack`);
    void stopAll().finally(() => process.exit(exitCodeOf(signal)));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const booted = await Promise.allSettled(
    Array.from({ length: count }, (_, index) =>
      provideStack(settings, {
        runId: count > 1 ? `${runId}-${index + 1}` : runId,
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
