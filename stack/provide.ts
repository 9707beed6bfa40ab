/**
 * The stack a test runner's global setup uses (vitest's scenarios/global-setup.ts, Playwright's
 * scenarios/browser/global-setup.ts), as the run's settings describe it: local processes (native),
 * containers (docker), an already running stack whose StackInfo is in a file (external: used as is and
 * left running; `phase6` boots its own this way, the file pending until it is up), or by default
 * native where PHP and the databases are installed, else docker.
 */
import { profileOf } from '../simulator/payment-service/contracts/declared.ts';
import { PaymentServiceControlClient } from '../simulator/payment-service/control-client.ts';
import type { RunSettings } from './run-settings.ts';
import { readStackInfo } from './stack-file.ts';
import { stackOf, type Stack } from './running-stack.ts';

export async function provideStack(
  settings: RunSettings,
  { runId, log }: { runId: string; log: (line: string) => void },
): Promise<Stack> {
  const contract = settings.paymentServiceContract && profileOf(settings.paymentServiceContract);
  if (settings.stack.provider === 'external') {
    const info = await readStackInfo(settings.stack.file, { pending: settings.stack.pending });
    // A declared contract is the run's, whatever the running stack was started with.
    if (contract)
      await new PaymentServiceControlClient(info.paymentService.controlUrl).setProfile(contract, {
        start: true,
      });
    return stackOf(info, async () => undefined);
  }
  // Loaded only to boot one: a runner given an external stack never needs the stack code.
  const [{ bootStackWith }, { chooseStackKind }] = await Promise.all([
    import('./stack.ts'),
    import('./docker/choose.ts'),
  ]);
  const requested = settings.stack.provider;
  const kind = await chooseStackKind(requested === 'auto' ? undefined : requested);
  return bootStackWith(kind, {
    runId,
    seed: settings.seed,
    phpClassesDir: settings.php.classesDir,
    phpInitFile: settings.php.initFile,
    phpFilesConfig: settings.php.filesConfig,
    ...(contract ? { paymentServiceContract: contract } : {}),
    log,
  });
}
