/**
 * Finding shards' results on disk for `kaspi-harness report --merge`: in run folders named on the
 * command line, in folders holding them (a CI job's downloaded reports, one or two levels down), or in
 * the reports directory. The `latest` link is never followed, so no run is found twice through it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { RunReport } from '../scenarios/report/model.ts';
import { isShard, type ShardResult } from '../scenarios/report/merge.ts';
import { UsageError } from './command.ts';

/** How far below a named folder run folders are looked for: DIR/<run>/, DIR/<artifact>/<run>/. */
const maxDepth = 2;

const shown = (path: string) => {
  const inside = relative(process.cwd(), path);
  return inside.startsWith('..') ? path : inside || '.';
};

function readResults(dir: string): RunReport {
  const file = join(dir, 'results.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RunReport;
  } catch (error) {
    throw new UsageError(`${shown(file)} is not readable results: ${(error as Error).message}`);
  }
}

/** The shard results at or below `dir`; other runs' results (unsharded, merged) are passed by. */
function shardsBelow(dir: string, depth: number): ShardResult[] {
  if (existsSync(join(dir, 'results.json'))) {
    const report = readResults(dir);
    return isShard(report) ? [{ where: shown(dir), report }] : [];
  }
  if (depth === maxDepth) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'logs')
    .flatMap((entry) => shardsBelow(join(dir, entry.name), depth + 1));
}

/** Every shard result in the folders named on the command line; a named run folder must be a shard. */
export function shardResultsIn(dirs: readonly string[]): ShardResult[] {
  return dirs.flatMap((dir) => {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${dir}: no such folder`);
    if (existsSync(join(dir, 'results.json')) && !isShard(readResults(dir)))
      throw new UsageError(
        `${dir} holds a run made without --shard: only \`kaspi-harness run --shard K/N\` results merge`,
      );
    return shardsBelow(dir, 0);
  });
}

/** The logs/ folders of the merged shards, as links from the merged run's folder. */
export function shardLogLinks(mergedDir: string, shards: readonly ShardResult[]): string[] {
  return shards
    .map(({ where }) => join(where, 'logs'))
    .filter((logs) => existsSync(logs))
    .map((logs) => `${relative(mergedDir, logs)}/`);
}
