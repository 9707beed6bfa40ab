import type { Command } from '../command.ts';
import { runBrowserScenarios } from '../browser-run.ts';
import { HeldOutput } from '../held-output.ts';
import { parseRunOptions, runFlagsHelp, scenarioRunOptions } from '../run-options.ts';
import { runScenarios } from '../scenario-run.ts';
import { newRunId } from '../../stack/run-dir.ts';
import { stepTimer } from '../step-timer.ts';

export const phase6Command: Command = {
  name: 'phase6',
  help: `Usage: kaspi-harness phase6 [options]

The deployment guide's Phase 6: boot the stack, place one order per seller through the Bitrix checkout,
prove it at the Kaspi simulator, in MySQL and in the paymentlog; then with the payment-service down
(warm cache, then cold cache: the documented fallback), then back up. Alongside, on a stack of their
own, the browser scenarios: each seller's storefront checkout in Chromium, by QR and by payment link,
until the order page shows Paid (reports/<run>/playwright; their output follows the routing
scenarios'). Writes reports/<run>/, prints how long each part took, and exits non-zero when any
payment landed anywhere else or any browser checkout failed.

Options:
${runFlagsHelp}
  --no-browser         skip the browser scenarios (Chromium)`,
  async run(argv) {
    const browser = !argv.includes('--no-browser');
    const options = await parseRunOptions(argv.filter((arg) => arg !== '--no-browser'));
    // One run id for both runners: the browser report lands in reports/<run>/playwright.
    const scenarioOptions = {
      ...scenarioRunOptions(options, ['scenarios/phase6.test.ts']),
      runId: newRunId(),
    };
    const timer = stepTimer();
    if (!browser) {
      const code = await timer.time('routing scenarios', () => runScenarios(scenarioOptions));
      console.log(timer.summary());
      return code;
    }
    // The two runners share nothing but the terminal: the service-state phases switch the routing
    // stack's payment-service off and clear its cache, which the browser checkouts must not see, so
    // the browser scenarios boot their own stack (playwright.config.ts) and run at the same time.
    const browserOutput = new HeldOutput();
    const routing = timer
      .time('routing scenarios', () => runScenarios(scenarioOptions))
      .finally(() => browserOutput.release());
    const browserRun = timer.time(
      'browser scenarios',
      () => runBrowserScenarios(scenarioOptions, browserOutput),
      (line) => browserOutput.write(`${line}\n`),
    );
    const [code, browserCode] = await Promise.all([routing, browserRun]);
    console.log(timer.summary());
    return code !== 0 ? code : browserCode;
  },
};
