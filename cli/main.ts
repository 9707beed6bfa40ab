/**
 * kaspi-harness command line.
 */
import { parseArgs } from 'node:util';
import { runScenarios } from './scenario-run.ts';

const usage = `kaspi-harness — Kaspi routing test harness

Usage:
  kaspi-harness phase6 [options]   boot the stack, place one order per seller (service up, down with a
                                   warm cache, down with a cold cache, back up), report, tear down
  kaspi-harness run [options]      the same scenarios (alias of phase6 for now)

Options:
  --seed N             seed for customers and baskets (default 20251103; same seed, same run)
  --php-classes DIR    run the team's own local/classes tree instead of the reference classes
  --reports-dir DIR    write reports/<run>/ under DIR instead of ./reports
  --quiet              less progress output
  -h, --help           this text
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      seed: { type: 'string' },
      'php-classes': { type: 'string' },
      'reports-dir': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    console.log(usage);
    return command || values.help ? 0 : 2;
  }
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isSafeInteger(seed))
    throw new Error(`--seed must be an integer, got "${values.seed}"`);
  switch (command) {
    case 'phase6':
    case 'run':
      return runScenarios({
        seed,
        phpClassesDir: values['php-classes'],
        reportsDir: values['reports-dir'],
        quiet: values.quiet,
      });
    default:
      console.error(`unknown command "${command}"\n\n${usage}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`kaspi-harness: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
