import type { Command } from '../command.ts';
import { parseRunOptions, runFlagsHelp, scenarioRunOptions } from '../run-options.ts';
import { runScenarios } from '../scenario-run.ts';

export const phase6Command: Command = {
  name: 'phase6',
  help: `Usage: kaspi-harness phase6 [options]

The deployment guide's Phase 6: boot the stack, place one order per seller through the Bitrix checkout,
prove it at the Kaspi simulator, in MySQL and in the paymentlog; then with the payment-service down
(warm cache, then cold cache: the documented fallback), then back up. Writes reports/<run>/ and exits
non-zero when any payment landed anywhere else.

Options:
${runFlagsHelp}`,
  async run(argv) {
    const options = await parseRunOptions(argv);
    return runScenarios(scenarioRunOptions(options, ['scenarios/phase6.test.ts']));
  },
};
