import { newRunId } from '../../platform/run-dir.ts';
import type { Command } from '../command.ts';
import { parseRunOptions, runFlagsHelp, runSettingsOf, type Shard } from '../run-options.ts';
import { catalogueFiles, runScenarios, suiteFiles } from '../scenario-run.ts';

export const runCommand: Command = {
  name: 'run',
  help: `Usage: kaspi-harness run [options]

Boots the stack (one per parallel worker), runs the scenario suites — every scenarios/*.test.ts, or
the ones named with --suite — writes reports/<run>/ (report.html, results.json, junit.xml, logs/), and
tears everything down. Exit code 0 only when every check passed: CI can gate a deploy on it.

With --shard K/N it runs the K-th of N shares of those suites (whole suites, the same share on every
machine for the same suites; with more shards than suites some shares are empty), into
reports/<run>-shard-K-of-N/; once all N have run, \`kaspi-harness report --merge\` makes one report of
them, with the verdict an unsharded run gets.

Examples:
  kaspi-harness run --php-classes ../site/local/classes
  kaspi-harness run --suite fallback --seller 121038
  kaspi-harness run --php-classes ../site/local/classes --shard 2/3

Options:
  --suite NAME         only scenarios/NAME.test.ts (repeatable)
  --shard K/N          only the K-th of N shares of the suites (see above)
${runFlagsHelp}`,
  async run(argv) {
    const options = await parseRunOptions(argv);
    const files = options.suites ? suiteFiles(options.suites) : catalogueFiles();
    const shard = options.shard;
    const filesHere = shard ? shardSize(files.length, shard) : files.length;
    if (shard && filesHere === 0 && !options.quiet)
      console.log(
        `shard ${shard.index}/${shard.count} gets none of the ${files.length} suite${files.length === 1 ? '' : 's'} (more shards than suites): it reports an empty share`,
      );
    return runScenarios({
      // One stack per parallel worker: two (one per core here), one for a single suite.
      settings: runSettingsOf(options, {
        stacks: Math.max(1, Math.min(2, filesHere)),
        ...(shard ? { runId: `${newRunId()}-shard-${shard.index}-of-${shard.count}` } : {}),
        ...(options.suites ? { suites: options.suites } : {}),
      }),
      files: options.suites ? files : undefined,
      shard,
    });
  },
};

/**
 * How many of `files` suites a shard runs: vitest deals them out evenly, the first `files % count`
 * shards one more. Only the number of stacks to boot and a note depend on it: vitest decides the share.
 */
function shardSize(files: number, shard: Shard): number {
  return Math.floor(files / shard.count) + (shard.index <= files % shard.count ? 1 : 0);
}
