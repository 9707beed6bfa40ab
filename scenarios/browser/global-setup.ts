/**
 * Boots ONE stack for the browser scenarios and tells the test workers where it is: its StackInfo is
 * written to a private temp file named by KASPI_HARNESS_BROWSER_STACK (workers
 * inherit the runner's environment). The returned function is Playwright's global teardown: it stops
 * every process the stack started (by their recorded process groups) and keeps the stack's logs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FullConfig } from '@playwright/test';
import { seedFromEnv } from '../../fixtures/seed.ts';
import { readStackInfo } from '../../stack/stack-file.ts';
import type { Stack } from '../../stack/stack.ts';

export const stackFileVariable = 'KASPI_HARNESS_BROWSER_STACK';

async function provideStack(runId: string, log: (line: string) => void): Promise<Stack> {
  const requested = process.env.KASPI_HARNESS_STACK ?? 'auto';
  if (requested === 'external') {
    // An already running stack (`kaspi-harness up --json`), or the one phase6 is booting for this
    // run: used as is and left running.
    const file = process.env.KASPI_HARNESS_STACK_FILE;
    if (!file) throw new Error('KASPI_HARNESS_STACK=external needs KASPI_HARNESS_STACK_FILE');
    const pending = process.env.KASPI_HARNESS_STACK_FILE_PENDING === '1';
    return { info: await readStackInfo(file, { pending }), stop: async () => undefined };
  }
  // Loaded only to boot one: the runner and its workers never need the stack code otherwise.
  const [{ bootStackWith }, { chooseStackKind }] = await Promise.all([
    import('../../stack/stack.ts'),
    import('../../stack/docker/choose.ts'),
  ]);
  return bootStackWith(await chooseStackKind(requested === 'auto' ? undefined : requested), {
    runId: `${runId}-browser`,
    seed: seedFromEnv(),
    phpClassesDir: process.env.KASPI_HARNESS_PHP_CLASSES || undefined,
    phpInitFile: process.env.KASPI_HARNESS_PHP_INIT || undefined,
    phpFilesConfig: process.env.KASPI_HARNESS_PHP_FILES || undefined,
    log,
  });
}

export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  const runId = process.env.KASPI_HARNESS_RUN_ID ?? 'unnamed';
  const quiet = process.env.KASPI_HARNESS_QUIET === '1';
  const log = (line: string) => quiet || console.log(`[stack] ${line}`);
  const stack = await provideStack(runId, log);
  const reportDir = join(config.projects[0]?.outputDir ?? 'test-results', '..');
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= stack.stop({ keepLogsIn: join(reportDir, 'stack-logs') }));
  // Ctrl-C: Playwright stops the workers and calls the teardown below. SIGTERM sent to the runner
  // alone would end it without a teardown, so the stack is stopped here first.
  const onTerm = () => {
    log('SIGTERM: stopping the stack');
    void stop().finally(() => process.exit(143));
  };
  process.once('SIGTERM', onTerm);

  // Outside the reports: StackInfo holds the fallback device token and the databases' passwords.
  const dir = mkdtempSync(join(tmpdir(), 'kaspi-harness-browser-'));
  const file = join(dir, 'stack.json');
  writeFileSync(file, JSON.stringify(stack.info), { mode: 0o600 });
  process.env[stackFileVariable] = file;
  log(`ready in ${stack.info.bootMs} ms — Bitrix ${stack.info.bitrix.url}, Kaspi ${stack.info.kaspi.url}`);

  return async () => {
    process.off('SIGTERM', onTerm);
    rmSync(dir, { recursive: true, force: true });
    await stop();
  };
}
