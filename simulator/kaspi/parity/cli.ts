/**
 * Command-line entry of the parity tool, for `kaspi-harness` to call:
 *
 *   npx tsx simulator/kaspi/parity/cli.ts --kaspi-url URL --snapshot-dir DIR
 *     [--simulator-url URL] [--cert FILE --key FILE --ca FILE] [--bin BIN] [--update]
 *
 * Exit code: 0 without differences, 1 with differences, 2 for bad arguments.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { formatReport, runParity } from './run.ts';

export async function runParityCli(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        'kaspi-url': { type: 'string' },
        'simulator-url': { type: 'string' },
        'snapshot-dir': { type: 'string' },
        cert: { type: 'string' },
        key: { type: 'string' },
        ca: { type: 'string' },
        bin: { type: 'string' },
        update: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  const kaspiUrl = values['kaspi-url'];
  const snapshotDir = values['snapshot-dir'];
  if (kaspiUrl === undefined || snapshotDir === undefined) {
    console.error(
      'usage: parity --kaspi-url URL --snapshot-dir DIR [--simulator-url URL] [--cert F --key F --ca F] [--bin BIN] [--update]',
    );
    return 2;
  }
  const pem = (file: string | undefined) => (file === undefined ? undefined : readFileSync(file, 'utf8'));
  const report = await runParity({
    kaspiUrl,
    snapshotDir,
    simulatorUrl: values['simulator-url'],
    cert: pem(values.cert),
    key: pem(values.key),
    ca: pem(values.ca),
    bin: values.bin,
    update: values.update,
  });
  console.log(formatReport(report));
  return report.differences.length === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runParityCli(process.argv.slice(2));
}
