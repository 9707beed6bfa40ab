/**
 * A test runner's command line, resolved the way Node resolves the package: from the harness's own
 * node_modules in a clone, or from the site's when npm hoisted it there on `npm i -D kaspi-harness`.
 * It runs under this Node, so no `.bin` shim or PATH lookup is involved.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const requireHere = createRequire(import.meta.url);

export interface RunnerCommand {
  command: string;
  args: string[];
}

export function runnerCommand(packageName: 'vitest' | '@playwright/test', bin: string): RunnerCommand {
  const manifestPath = requireHere.resolve(`${packageName}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin: Record<string, string> };
  const entry = manifest.bin[bin];
  if (!entry) throw new Error(`${packageName} has no "${bin}" command: reinstall kaspi-harness`);
  return { command: process.execPath, args: [join(dirname(manifestPath), entry)] };
}
