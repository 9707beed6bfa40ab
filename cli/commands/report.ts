import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderHtml } from '../../scenarios/report/html.ts';
import { chooseShards, MergeRefusal, mergeShards } from '../../scenarios/report/merge.ts';
import { reassess, type RunReport } from '../../scenarios/report/model.ts';
import { renderSummary } from '../../scenarios/report/summary.ts';
import { pointLatest, writeRunReport } from '../../scenarios/report/write.ts';
import { colourWanted } from '../../platform/colour.ts';
import { newRunId } from '../../platform/run-dir.ts';
import { UsageError, type Command } from '../command.ts';
import { shardLogLinks, shardResultsIn } from '../shard-results.ts';

export const reportCommand: Command = {
  name: 'report',
  help: `Usage: kaspi-harness report [RUN] [options]
       kaspi-harness report --merge [DIR…] [options]

RUN is a folder under the reports directory, a path to a run folder, or "latest" (default): its
report.html is rendered again from its results.json and its summary printed.

--merge makes one report of the shards of a run (\`kaspi-harness run --shard K/N\`): results.json,
junit.xml, report.html and summary.txt in a new folder <reports-dir>/<run>-merged/, which latest then
points at. Each DIR is a shard's run folder, or a folder that holds them (one or two levels down, as
CI jobs download them); all the shards found must be of one run: the same seed, shard count, suites,
sellers, payment-service contract, PHP classes (by content), accepted findings and CI pipeline.
Without DIR: the shards in the reports directory of the run whose shard finished last. A shard
that left no results is a failed check of the merged report, never a pass.

Exit code: 0 when the run passes, 1 when it fails, 2 when there is nothing to report or merge.

Options:
  --merge              merge the shards of a run into one report (see above)
  --reports-dir DIR    where runs are, and where a merged run is written (default ./reports)
  --open               open report.html in the desktop's browser (xdg-open)`,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        'reports-dir': { type: 'string' },
        merge: { type: 'boolean', default: false },
        open: { type: 'boolean', default: false },
      },
    });
    const reportsDir = resolve(values['reports-dir'] ?? 'reports');
    const { dir, report, html } = values.merge
      ? merge(positionals, reportsDir)
      : rerender(positionals, reportsDir);
    console.log(renderSummary(report, { color: colourWanted(process.stdout), reportDir: dir }));
    console.log(`HTML report: ${html}`);
    if (values.open) await openInBrowser(html);
    return report.verdict === 'pass' ? 0 : 1;
  },
};

/** xdg-open, left running on its own; where there is none (a server, CI), one line says what to do. */
async function openInBrowser(file: string): Promise<void> {
  const child = spawn('xdg-open', [file], { stdio: 'ignore', detached: true });
  try {
    await once(child, 'spawn');
    child.unref();
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    console.error(`kaspi-harness report: cannot open a browser (xdg-open: ${why}): open ${file} yourself`);
  }
}

interface Rendered {
  dir: string;
  report: RunReport;
  html: string;
}

function rerender(positionals: string[], reportsDir: string): Rendered {
  if (positionals.length > 1)
    throw new UsageError(`one RUN at a time, got ${positionals.length} (to merge shards: --merge)`);
  const name = positionals[0] ?? 'latest';
  const dir = existsSync(join(reportsDir, name)) ? join(reportsDir, name) : resolve(name);
  const resultsFile = join(dir, 'results.json');
  if (!existsSync(resultsFile))
    throw new UsageError(`no results.json in ${dir}: run \`npm run phase6\` first`);
  const report = reassess(JSON.parse(readFileSync(resultsFile, 'utf8')) as RunReport);
  const html = join(dir, 'report.html');
  writeFileSync(html, renderHtml(report, { logFiles: logLinks(dir, report) }));
  return { dir, report, html };
}

/** A run's own logs/, or for a merged run its shards' logs/ where they sit beside it. */
function logLinks(dir: string, report: RunReport): string[] {
  if (report.merged)
    return report.merged.shards
      .map((shard) => join('..', shard.runId, 'logs'))
      .filter((logs) => existsSync(join(dir, logs)))
      .map((logs) => `${logs}/`);
  return existsSync(join(dir, 'logs')) ? readdirSync(join(dir, 'logs')).map((file) => `logs/${file}`) : [];
}

function merge(dirs: string[], reportsDir: string): Rendered {
  const named = dirs.length > 0;
  const found = shardResultsIn(named ? dirs : existsSync(reportsDir) ? [reportsDir] : []);
  if (found.length === 0)
    throw new UsageError(
      `no shard results in ${named ? dirs.join(', ') : relative(process.cwd(), reportsDir) || '.'}: run \`kaspi-harness run --shard K/N\` first`,
    );
  let chosen;
  try {
    chosen = chooseShards(found, named ? 'all' : 'newest');
  } catch (error) {
    if (error instanceof MergeRefusal) throw new UsageError(error.message);
    throw error;
  }
  const { shards, passedOver, otherRuns } = chosen;
  const count = shards[0]!.report.shard.count;
  console.log(
    `merging ${shards.map(({ report, where }) => `shard ${report.shard.index}/${count} (${where})`).join(', ')}`,
  );
  for (const older of passedOver)
    console.log(`  passed over ${older.where}: an earlier run of shard ${older.report.shard.index}/${count}`);
  if (otherRuns.length)
    console.log(
      `  left alone: ${otherRuns.length} shard result${otherRuns.length === 1 ? '' : 's'} of other runs`,
    );

  const runId = `${newRunId()}-merged`;
  const dir = join(reportsDir, runId);
  const report = mergeShards(shards, runId);
  writeRunReport(dir, report, { logFiles: shardLogLinks(dir, shards) });
  pointLatest(reportsDir, runId);
  for (const index of report.merged!.missing)
    console.error(`kaspi-harness report: shard ${index}/${count} left no results, so the merged run fails`);
  return { dir, report, html: join(dir, 'report.html') };
}
