import { parseArgs } from 'node:util';
import { integerFlag, type Command } from '../command.ts';
import { runScenarios } from '../scenario-run.ts';

const options = {
  seed: { type: 'string' },
  'php-classes': { type: 'string' },
  'reports-dir': { type: 'string' },
  quiet: { type: 'boolean', default: false },
} as const;

export const phase6Command: Command = {
  name: 'phase6',
  summary: 'boot the stack, pay once per seller (service up, down warm, down cold, back), report, tear down',
  help: `Usage: kaspi-harness phase6 [options]

The deployment guide's Phase 6: one order per seller through the Bitrix checkout, proved at the Kaspi
simulator, in MySQL and in the paymentlog; then with the payment-service down (warm cache, then cold
cache: the documented fallback), then back up. Exits non-zero when any payment landed elsewhere.

Options:
  --seed N             seed for customers and baskets (default 20251103; the same seed replays a run)
  --php-classes DIR    the team's own local/classes tree instead of the reference classes
  --reports-dir DIR    write <run>/ under DIR instead of ./reports
  --quiet              less progress output`,
  async run(argv) {
    const { values } = parseArgs({ args: argv, options, strict: true });
    return runScenarios({
      seed: integerFlag('seed', values.seed),
      phpClassesDir: values['php-classes'],
      reportsDir: values['reports-dir'],
      quiet: values.quiet,
      files: ['scenarios/phase6.test.ts'],
    });
  },
};
