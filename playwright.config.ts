/**
 * The browser scenarios (scenarios/browser): the storefront's checkout for every seller in Debian's
 * Chromium (no browser download). One stack for the whole run, booted by the global setup; a failed
 * test keeps its trace and screenshot under reports/<run>/playwright/.
 */
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { chromiumArgs, chromiumExecutable } from './platform/chromium.ts';
import { runReportDir, runSettings, runSettingsEnv } from './stack/run-settings.ts';

// One run id and seed, shared by the global setup (runner process) and the test workers: the CLI's
// settings, or defaults fixed here for a run started by hand.
const watched =
  ['--headed', '--debug', '--ui'].some((flag) => process.argv.some((arg) => arg.startsWith(flag))) ||
  process.env.PWDEBUG !== undefined;
// Workers do not see the runner's flags, but they inherit its environment: the settings carry it.
if (watched) Object.assign(process.env, runSettingsEnv({ ...runSettings(), headed: true }));
const settings = runSettings();

const runReports = join(runReportDir(settings), 'playwright');
const { quiet } = settings;

export default defineConfig({
  testDir: 'scenarios/browser',
  testMatch: '**/*.spec.ts',
  globalSetup: './scenarios/browser/global-setup.ts',
  outputDir: join(runReports, 'artifacts'),
  // Each test mostly waits on the stack; two workers (two cores) share the one stack.
  workers: 2,
  fullyParallel: true,
  forbidOnly: true,
  // A failed test runs once more, recording its trace (below); passing the second time still fails
  // the run (failOnFlakyTests): a routing check that passes only sometimes is a finding, not noise.
  retries: 1,
  failOnFlakyTests: true,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [
    [quiet ? 'dot' : 'list'],
    ['junit', { outputFile: join(runReports, 'junit.xml') }],
    ['html', { outputFolder: join(runReports, 'html'), open: 'never' }],
    ['json', { outputFile: join(runReports, 'results.json') }],
  ],
  use: {
    headless: true,
    launchOptions: {
      executablePath: chromiumExecutable({ headed: settings.headed === true }),
      args: chromiumArgs,
    },
    // A failed test's second run keeps its trace (actions with their timings, network, console,
    // sources); every failure keeps its screenshot and Playwright's error context (the page's ARIA
    // snapshot). Recording a trace for every test and throwing it away when it passes cost 15% of the
    // browser part's CPU (48.7 → 41.5 CPU-s for the 15 checkouts), on two cores its wall time too;
    // screencast frames and DOM snapshots, most of a trace's cost, are left out of it.
    trace: { mode: 'on-first-retry', screenshots: false, snapshots: false },
    screenshot: 'only-on-failure',
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    locale: 'ru-RU',
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
