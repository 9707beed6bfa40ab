import { parseArgs } from 'node:util';
import { runParityCli } from '../../simulator/kaspi/parity/cli.ts';
import type { Command } from '../command.ts';
import { connectionProblem, Unreachable, unreachableMessage } from '../unreachable.ts';

/** The port a failed connection was aimed at (Node's socket errors carry it, fetch's in their cause). */
function portOf(error: unknown): number | undefined {
  for (const candidate of [error, (error as { cause?: unknown }).cause]) {
    const port = (candidate as { port?: unknown } | undefined)?.port;
    if (typeof port === 'number') return port;
  }
  return undefined;
}

const defaultPort = (url: URL): number => Number(url.port || (url.protocol === 'https:' ? 443 : 80));

export const parityCommand: Command = {
  name: 'parity',
  help: `Usage: kaspi-harness parity --kaspi-url URL --snapshot-dir DIR [options]

Runs one scripted conversation (trade points, device register, QR, the /test/payment/* emulators,
status, refund, the error cases) against a reference Kaspi (its test host, with your certificate) and
against the simulator, and prints every difference in status codes, fields and types, and in the
names of the headers the answers carry. The reference's answers (header names included) are saved
as snapshots in DIR, which later runs compare with (--update refreshes them).
Exit code 0 without differences, 1 with differences, 2 for bad arguments.

Options:
  --kaspi-url URL        the reference, e.g. https://mtokentest.kaspi.kz:8545
  --snapshot-dir DIR     where the reference's answers are kept
  --simulator-url URL    a running simulator (default: one started for the run)
  --cert FILE --key FILE --ca FILE
                         client certificate, key and CA bundle for the reference (mutual TLS)
  --bin BIN              the organization BIN the conversation uses on r3
  --update               replace the snapshots with the reference's answers of this run`,
  async run(argv) {
    try {
      return await runParityCli(argv);
    } catch (error) {
      const problem = connectionProblem(error);
      if (problem === undefined) throw error;
      const { values } = parseArgs({
        args: argv,
        options: { 'kaspi-url': { type: 'string' }, 'simulator-url': { type: 'string' } },
        strict: false,
      });
      const simulatorUrl = values['simulator-url'];
      const port = portOf(error);
      const simulator =
        typeof simulatorUrl === 'string' &&
        URL.canParse(simulatorUrl) &&
        defaultPort(new URL(simulatorUrl)) === port;
      throw new Unreachable(
        unreachableMessage(
          simulator
            ? { what: 'the simulator of --simulator-url', url: simulatorUrl, hint: 'is it running there?' }
            : {
                what: 'the reference Kaspi of --kaspi-url',
                url: String(values['kaspi-url']),
                hint: 'check the URL (e.g. https://mtokentest.kaspi.kz:8545) and that this machine may reach it',
              },
          problem,
        ),
      );
    }
  },
};
