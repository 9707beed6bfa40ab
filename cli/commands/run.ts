import { parseArgs } from 'node:util';
import { newRunId } from '../../platform/run-dir.ts';
import { UsageError, type Command } from '../command.ts';
import { parseRunOptions, runFlags, runFlagsHelp, runSettingsOf, type Shard } from '../run-options.ts';
import { listScenarios, runScenarios, type ListedCheck } from '../scenario-run.ts';
import { availableSuites, suitesNamed } from '../suites.ts';

const listFlags = {
  list: { type: 'boolean', default: false },
  grep: { type: 'string' },
} as const;

export const runCommand: Command = {
  name: 'run',
  help: `Usage: kaspi-harness run [options]

Boots the stack (one per parallel worker), runs the scenario suites — the whole catalogue and the
site's own scenario files (--scenarios-dir), or the ones named with --suite — writes reports/<run>/
(report.html, results.json, junit.xml, logs/), and tears everything down. Exit code 0 only when
every check passed and no defect is left unaccepted: CI can gate a deploy on it.

With --shard K/N it runs the K-th of N shares of those suites (whole suites, the same share on every
machine for the same suites; with more shards than suites some shares are empty), into
reports/<run>-shard-K-of-N/; once all N have run, \`kaspi-harness report --merge\` makes one report of
them, with the verdict an unsharded run gets.

Examples:
  kaspi-harness run --php-classes ../site/local/classes
  kaspi-harness run --suite fallback --seller 121038
  kaspi-harness run --list --suite routing
  kaspi-harness run --grep 'remote invoice'
  kaspi-harness run --php-classes ../site/local/classes --shard 2/3

Options:
  --suite NAME         only this suite (repeatable; \`run --list\` names them)
  --grep PATTERN       only the checks whose full name matches PATTERN (a regular expression)
  --list               print the suites and their checks (with --suite/--grep: those selected),
                       without booting a stack, and exit
  --shard K/N          only the K-th of N shares of the suites (see above)
${runFlagsHelp}`,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { ...runFlags, shard: { type: 'string' }, ...listFlags },
      strict: true,
    });
    const options = await parseRunOptions(argv, listFlags);
    const { list, grep } = values;
    if (grep !== undefined) checkedPattern(grep);
    const suites = options.suites
      ? suitesNamed(options.suites, options.scenariosDir)
      : availableSuites(options.scenariosDir);
    const files = suites.map((suite) => suite.file);
    const shard = options.shard;
    if (list)
      return printList(
        await listScenarios(
          { settings: runSettingsOf(options), files, shard, grep },
          (file) => suites.find((suite) => suite.file === file)?.name ?? file,
        ),
        options.json,
      );
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
      files,
      shard,
      grep,
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

/** --grep's pattern, checked here: vitest would stop on a bad one with a stack trace. */
function checkedPattern(pattern: string): void {
  try {
    new RegExp(pattern);
  } catch (error) {
    throw new UsageError(`--grep ${pattern}: not a regular expression (${(error as Error).message})`);
  }
}

/** The suites and their checks, for people (grouped) or machines (`--json`: one JSON array). */
function printList(listed: { code: number; checks: ListedCheck[] }, json: boolean): number {
  if (listed.code !== 0) return listed.code;
  // vitest lists files in the order its workers finish collecting them; by suite name the list is the
  // same every time (the sort is stable, so each suite's checks keep their order in the file).
  const sorted = [...listed.checks].sort((a, b) => a.suite.localeCompare(b.suite));
  if (json) {
    console.log(JSON.stringify(sorted, null, 2));
    return 0;
  }
  const bySuite = new Map<string, ListedCheck[]>();
  for (const check of sorted) bySuite.set(check.suite, [...(bySuite.get(check.suite) ?? []), check]);
  for (const [suite, checks] of bySuite) {
    console.log(`${suite} (${checks.length} check${checks.length === 1 ? '' : 's'})`);
    for (const check of checks) console.log(`  ${check.name}`);
  }
  console.log(
    `${sorted.length} check${sorted.length === 1 ? '' : 's'} in ${bySuite.size} suite${bySuite.size === 1 ? '' : 's'}`,
  );
  return 0;
}
