import type { Command } from '../command.ts';
import { latestRunId, runBrowserScenarios } from '../browser-run.ts';
import { parseRunOptions, runFlagsHelp, scenarioRunOptions } from '../run-options.ts';
import { runScenarios } from '../scenario-run.ts';

export const phase6Command: Command = {
  name: 'phase6',
  help: `Usage: kaspi-harness phase6 [options]

The deployment guide's Phase 6: boot the stack, place one order per seller through the Bitrix checkout,
prove it at the Kaspi simulator, in MySQL and in the paymentlog; then with the payment-service down
(warm cache, then cold cache: the documented fallback), then back up. Then the browser scenarios: each
seller's storefront checkout in Chromium, by QR and by payment link, until the order page shows Paid
(reports/<run>/playwright). Writes reports/<run>/ and exits non-zero when any payment landed anywhere
else or any browser checkout failed.

Options:
${runFlagsHelp}
  --no-browser         skip the browser scenarios (Chromium)`,
  async run(argv) {
    const browser = !argv.includes('--no-browser');
    const options = await parseRunOptions(argv.filter((arg) => arg !== '--no-browser'));
    const scenarioOptions = scenarioRunOptions(options, ['scenarios/phase6.test.ts']);
    const started = Date.now();
    const code = await runScenarios(scenarioOptions);
    if (!browser) return code;
    // The browser report goes under the same reports/<run>/ as the routing scenarios' report.
    const runId = latestRunId(options.reportsDir, started);
    const browserCode = await runBrowserScenarios({ ...scenarioOptions, runId });
    return code !== 0 ? code : browserCode;
  },
};
