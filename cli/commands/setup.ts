import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Command } from '../command.ts';
import { harnessRoot } from '../suites.ts';

export const setupCommand: Command = {
  name: 'setup',
  help: `Usage: kaspi-harness setup [--check] [--quiet]

Installs what the native stack needs and this machine lacks, and nothing else: PHP 8.2+ with curl,
mysqli and mbstring, MariaDB, PostgreSQL, iproute2/util-linux (PHP's network sandbox) and Chromium,
from Debian/Ubuntu packages (apt-get; as root, or with sudo that needs no password). In a clone of the
harness it also installs its npm packages. Run it once per machine (CI: before the first run).

Options:
  --check   install nothing: exit 1 with one line per missing part and the command that installs it
  --quiet   print only what is being installed and what fails`,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { check: { type: 'boolean', default: false }, quiet: { type: 'boolean', default: false } },
      strict: true,
    });
    const args = [
      join(harnessRoot, 'platform/setup/setup.mjs'),
      ...(values.check ? ['--check'] : []),
      ...(values.quiet ? ['--quiet'] : []),
    ];
    return spawnSync(process.execPath, args, { stdio: 'inherit' }).status ?? 1;
  },
};
