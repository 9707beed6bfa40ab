/**
 * Keeping a run's logs with its report: every `*.log` the stack's processes wrote anywhere in the run
 * directory (databases' data folders excepted), plus the simulators' journals as JSON.
 */
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

const skippedDirs = new Set(['data', 'www', 'node_modules']);

/** Every `*.log` under `dir`, databases' data folders and the document root excepted. */
export function logFilesUnder(dir: string, found: string[] = []): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && !skippedDirs.has(entry.name)) logFilesUnder(path, found);
    else if (entry.isFile() && entry.name.endsWith('.log')) found.push(path);
  }
  return found;
}

/** Copies the run's log files flat into `target` (a PHP log under www/ is named by its path). */
export function copyRunLogs(runDir: string, extraFiles: readonly string[], target: string): string[] {
  mkdirSync(target, { recursive: true });
  const copied: string[] = [];
  for (const file of [...logFilesUnder(runDir), ...extraFiles]) {
    const name = file.startsWith(runDir) ? relative(runDir, file).replace(/\//g, '__') : basename(file);
    try {
      copyFileSync(file, join(target, name));
      copied.push(name);
    } catch {
      // A log that was never written (no fallback happened, say) is simply absent.
    }
  }
  return copied;
}

const uuid = /\b([0-9a-f]{4})[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{8}([0-9a-f]{4})\b/gi;

/** Device tokens are UUIDs: reports show `7cbf…c4b6`, enough to tell them apart, never the token. */
export function maskUuids(text: string): string {
  return text.replace(uuid, '$1…$2');
}

/** Saves a simulator journal fetched over its control API; a simulator that no longer answers is noted. */
export async function saveJournal(url: string, file: string): Promise<void> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    writeFileSync(file, maskUuids(await response.text()));
  } catch (error) {
    writeFileSync(file, JSON.stringify({ error: `journal not available: ${String(error)}` }));
  }
}
