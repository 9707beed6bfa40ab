import type { Command } from '../command.ts';
import { parseRunOptions, runFlagsHelp, runSettingsOf } from '../run-options.ts';
import { runScenarios, suiteFiles } from '../scenario-run.ts';

export const runCommand: Command = {
  name: 'run',
  help: `Usage: kaspi-harness run [options]

Boots the stack (one per parallel worker), runs the scenario suites — every scenarios/*.test.ts, or
the ones named with --suite — writes reports/<run>/ (report.html, results.json, junit.xml, logs/), and
tears everything down. Exit code 0 only when every check passed: CI can gate a deploy on it.

Examples:
  kaspi-harness run --php-classes ../site/local/classes
  kaspi-harness run --suite fallback --seller 121038

Options:
  --suite NAME         only scenarios/NAME.test.ts (repeatable)
${runFlagsHelp}`,
  async run(argv) {
    const options = await parseRunOptions(argv);
    const files = options.suites ? suiteFiles(options.suites) : undefined;
    // One stack per parallel worker: two (one per core here), one for a single suite.
    return runScenarios({
      settings: runSettingsOf(options, { stacks: Math.min(2, files?.length ?? Infinity) }),
      files,
    });
  },
};
