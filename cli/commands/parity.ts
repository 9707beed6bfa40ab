import { runParityCli } from '../../simulator/kaspi/parity/cli.ts';
import type { Command } from '../command.ts';

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
  run: (argv) => runParityCli(argv),
};
