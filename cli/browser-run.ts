/**
 * Runs the browser scenarios (scenarios/browser, playwright.config.ts) in a Playwright child process.
 * Like the vitest scenarios, what the run needs travels through the environment that the config and
 * its global setup read: the run id (so the report lands in reports/<run>/playwright), the seed, the
 * team's PHP, the stack provider, the seller filter. Prints one summary line; returns the exit code.
 */
import { spawn } from 'node:child_process';
import { readFileSync, readlinkSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { newRunId } from '../stack/run-dir.ts';
import { repoRoot, scenarioEnv, type ScenarioRunOptions } from './scenario-run.ts';

export interface BrowserRunOptions extends Omit<ScenarioRunOptions, 'files' | 'stacks'> {
  /** Put the report under this run's directory (e.g. the phase6 run's); a new id when absent. */
  runId?: string;
}

interface PlaywrightStats {
  expected: number;
  unexpected: number;
  flaky: number;
  skipped: number;
  duration: number;
}

export function browserReportDir(options: Pick<BrowserRunOptions, 'reportsDir'>, runId: string): string {
  const root = options.reportsDir ? resolve(options.reportsDir) : join(repoRoot, 'reports');
  return join(root, runId, 'playwright');
}

function readStats(reportDir: string): PlaywrightStats | undefined {
  try {
    const json = JSON.parse(readFileSync(join(reportDir, 'results.json'), 'utf8')) as {
      stats?: PlaywrightStats;
    };
    return json.stats;
  } catch {
    return undefined;
  }
}

/** "browser: PASS — 15 checkouts in Chromium passed in 41 s; report reports/…/playwright/html/index.html" */
export function browserSummaryLine(code: number, reportDir: string): string {
  const stats = readStats(reportDir);
  const where = relative(process.cwd(), reportDir) || '.';
  if (!stats) return `browser: FAIL — Playwright exited with ${code} before reporting (see its output above)`;
  const total = stats.expected + stats.unexpected + stats.flaky;
  const seconds = Math.round(stats.duration / 1000);
  const verdict = code === 0 && stats.unexpected === 0 ? 'PASS' : 'FAIL';
  const failed =
    stats.unexpected > 0
      ? `${stats.unexpected} of ${total} failed (traces and screenshots in ${join(where, 'artifacts')})`
      : `${total} passed`;
  const skipped = stats.skipped > 0 ? `, ${stats.skipped} skipped` : '';
  return `browser: ${verdict} — storefront checkouts in Chromium: ${failed}${skipped} in ${seconds} s; report ${join(where, 'html', 'index.html')}`;
}

export async function runBrowserScenarios(options: BrowserRunOptions = {}): Promise<number> {
  const runId = options.runId ?? newRunId();
  const env: NodeJS.ProcessEnv = { ...scenarioEnv({ ...options, stacks: 1 }), KASPI_HARNESS_RUN_ID: runId };
  delete env.KASPI_HARNESS_BROWSER_STACK;
  const playwright = join(repoRoot, 'node_modules', '.bin', 'playwright');
  const args = ['test', '--config', join(repoRoot, 'playwright.config.ts')];
  const child = spawn(playwright, args, { cwd: repoRoot, env, stdio: 'inherit' });
  // Ctrl-C reaches the child through the terminal's process group; a SIGTERM sent to us alone is passed on.
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  const ignore = () => undefined;
  process.on('SIGTERM', forward);
  process.on('SIGINT', ignore);
  const code = await new Promise<number>((resolvePromise) => {
    child.once('error', (error) => {
      console.error(`browser: cannot start ${playwright}: ${error.message}`);
      resolvePromise(1);
    });
    child.once('exit', (exitCode, signal) => resolvePromise(exitCode ?? (signal === 'SIGINT' ? 130 : 1)));
  });
  process.off('SIGTERM', forward);
  process.off('SIGINT', ignore);
  const reportDir = browserReportDir(options, runId);
  console.log(browserSummaryLine(code, reportDir));
  return code;
}

/** The run id `reports/latest` points at, when that run wrote its results after `since` (ms). */
export function latestRunId(reportsDir: string | undefined, since: number): string | undefined {
  const root = reportsDir ? resolve(reportsDir) : join(repoRoot, 'reports');
  const latest = join(root, 'latest');
  try {
    if (statSync(join(latest, 'results.json')).mtimeMs < since) return undefined;
    return basename(readlinkSync(latest));
  } catch {
    return undefined;
  }
}
