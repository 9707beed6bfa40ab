/**
 * The stack a test runner's global setup uses (vitest's scenarios/global-setup.ts, Playwright's
 * scenarios/browser/global-setup.ts), as the CLI described it in the environment:
 * KASPI_HARNESS_STACK names the provider — local processes (native), containers (docker), an
 * already running stack whose StackInfo is in KASPI_HARNESS_STACK_FILE (external: used as is and
 * left running; `phase6` boots its own this way, the file pending until it is up), or by default
 * native where PHP and the databases are installed, else docker. The seed and the team's PHP come
 * from the environment too.
 */
import { seedFromEnv } from '../fixtures/seed.ts';
import { readStackInfo } from './stack-file.ts';
import type { Stack } from './stack.ts';

export async function provideStack(
  { runId, log }: { runId: string; log: (line: string) => void },
  env: NodeJS.ProcessEnv = process.env,
): Promise<Stack> {
  const requested = env.KASPI_HARNESS_STACK ?? 'auto';
  if (requested === 'external') {
    const file = env.KASPI_HARNESS_STACK_FILE;
    if (!file)
      throw new Error(
        'KASPI_HARNESS_STACK=external needs KASPI_HARNESS_STACK_FILE (kaspi-harness up --json)',
      );
    const pending = env.KASPI_HARNESS_STACK_FILE_PENDING === '1';
    return { info: await readStackInfo(file, { pending }), stop: async () => undefined };
  }
  // Loaded only to boot one: a runner given an external stack never needs the stack code.
  const [{ bootStackWith }, { chooseStackKind }] = await Promise.all([
    import('./stack.ts'),
    import('./docker/choose.ts'),
  ]);
  const kind = await chooseStackKind(requested === 'auto' ? undefined : requested);
  return bootStackWith(kind, {
    runId,
    seed: seedFromEnv(env),
    phpClassesDir: env.KASPI_HARNESS_PHP_CLASSES || undefined,
    phpInitFile: env.KASPI_HARNESS_PHP_INIT || undefined,
    phpFilesConfig: env.KASPI_HARNESS_PHP_FILES || undefined,
    log,
  });
}
