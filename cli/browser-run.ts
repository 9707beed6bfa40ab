/**
 * Runs the browser scenarios (scenarios/browser, playwright.config.ts) in a Playwright child process.
 * Like the vitest scenarios, what the run needs travels as the run's settings (stack/run-settings.ts),
 * which the config and its global setup read: the report lands in reports/<run>/playwright. Prints one
 * summary line; returns the exit code.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runReportDir, type RunSettings } from '../stack/run-settings.ts';
import { runChild, type ChildOutput } from './child-run.ts';
import { runnerCommand } from './runner-bin.ts';
import { runnerEnv } from './scenario-run.ts';
import { harnessRoot } from './suites.ts';

interface PlaywrightStats {
  expected: number;
  unexpected: number;
  flaky: number;
  skipped: number;
  duration: number;
}

export function browserReportDir(settings: RunSettings): string {
  return join(runReportDir(settings), 'playwright');
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
  // playwright.config.ts retries a failure once to record its trace; passing then is still a failure.
  const verdict = code === 0 && stats.unexpected === 0 && stats.flaky === 0 ? 'PASS' : 'FAIL';
  const evidence = `traces and screenshots in ${join(where, 'artifacts')}`;
  const failed =
    stats.unexpected + stats.flaky > 0
      ? [
          stats.unexpected > 0 ? `${stats.unexpected} of ${total} failed` : '',
          stats.flaky > 0 ? `${stats.flaky} of ${total} failed once and passed on the retry (flaky)` : '',
        ]
          .filter(Boolean)
          .join(', ') + ` (${evidence})`
      : `${total} passed`;
  const skipped = stats.skipped > 0 ? `, ${stats.skipped} skipped` : '';
  return `browser: ${verdict} — storefront checkouts in Chromium: ${failed}${skipped} in ${seconds} s; report ${join(where, 'html', 'index.html')}`;
}

export async function runBrowserScenarios(settings: RunSettings, output?: ChildOutput): Promise<number> {
  const env = runnerEnv({ ...settings, stacks: 1 });
  const playwright = runnerCommand('@playwright/test', 'playwright');
  const args = [...playwright.args, 'test', '--config', join(harnessRoot, 'playwright.config.ts')];
  const code = await runChild(playwright.command, args, { cwd: process.cwd(), env, output });
  const summary = browserSummaryLine(code, browserReportDir(settings));
  if (output) output.write(`${summary}\n`);
  else console.log(summary);
  return code;
}
