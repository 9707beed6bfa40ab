/**
 * One stack for the browser scenarios (booted, or the external one: stack/provide.ts), and where it
 * is for the test workers: its StackInfo is written to a private temp file, and the workers' run
 * settings name it as their (external) stack — workers inherit the runner's environment. The
 * returned function is Playwright's global teardown: it stops every process a booted stack started
 * (by their recorded process groups) and keeps the stack's logs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FullConfig } from '@playwright/test';
import { provideStack } from '../../stack/provide.ts';
import { runSettings, runSettingsEnv } from '../../stack/run-settings.ts';

export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  const settings = runSettings();
  const log = (line: string) => settings.quiet || console.log(`[stack] ${line}`);
  const stack = await provideStack(settings, { runId: `${settings.runId}-browser`, log });
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
  Object.assign(
    process.env,
    runSettingsEnv({ ...settings, stack: { provider: 'external', file, pending: false } }),
  );
  log(`ready in ${stack.info.bootMs} ms — Bitrix ${stack.info.bitrix.url}, Kaspi ${stack.info.kaspi.url}`);

  return async () => {
    process.off('SIGTERM', onTerm);
    rmSync(dir, { recursive: true, force: true });
    await stop();
  };
}
