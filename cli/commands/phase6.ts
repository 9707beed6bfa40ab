import { join } from 'node:path';
import { chooseStackKind } from '../../stack/docker/choose.ts';
import { newRunId } from '../../platform/run-dir.ts';
import { UsageError, type Command } from '../command.ts';
import { browserReportDir, runBrowserScenarios } from '../browser-run.ts';
import { HeldOutput } from '../held-output.ts';
import { interruptOnSignal } from '../interrupt.ts';
import { ownStacks } from '../own-stacks.ts';
import { parseRunOptions, runFlagsHelp, runSettingsOf, stackOptionsOf } from '../run-options.ts';
import { runScenarios } from '../scenario-run.ts';
import { runReportDir, type RunSettings } from '../../stack/run-settings.ts';
import { stepTimer } from '../step-timer.ts';

export const phase6Command: Command = {
  name: 'phase6',
  help: `Usage: kaspi-harness phase6 [options]

The deployment guide's Phase 6: boot the stack, place one order per seller through the Bitrix checkout,
prove it at the Kaspi simulator, in MySQL and in the paymentlog; then with the payment-service down
(warm cache, then cold cache: the documented fallback), then back up. Alongside, on a stack of their
own, the browser scenarios: each seller's storefront checkout in Chromium, by QR and by payment link,
until the order page shows Paid (reports/<run>/playwright; their output follows the routing
scenarios'). Writes reports/<run>/, prints how long each part took, and exits non-zero when any
payment landed anywhere else or any browser checkout failed. Phase 6 is one suite and runs whole: it
does not shard (\`kaspi-harness run --shard K/N\` shares the catalogue between machines).

Options:
${runFlagsHelp}
  --no-browser         skip the browser scenarios (Chromium)`,
  async run(argv) {
    const browser = !argv.includes('--no-browser');
    const options = await parseRunOptions(argv.filter((arg) => arg !== '--no-browser'));
    if (options.shard)
      throw new UsageError(
        '--shard: phase6 is one suite and runs whole; `kaspi-harness run --shard K/N` shares the catalogue',
      );
    // One run id for both runners: the browser report lands in reports/<run>/playwright.
    const routing = runSettingsOf(options, { runId: newRunId(), stacks: 1 });
    if (options.stack === 'external')
      return runBothParts({ settings: routing }, browser ? { settings: routing } : undefined);

    // Both stacks boot here, in this process, while the runners start (cli/own-stacks.ts); each is
    // stopped, its logs kept with the report, as soon as its part is over.
    const kind = await chooseStackKind(options.stack === 'auto' ? undefined : options.stack);
    const log = options.quiet ? () => undefined : (line: string) => console.log(`[stack] ${line}`);
    const interrupt = interruptOnSignal(log);
    const stacks = ownStacks(kind);
    try {
      const stackOptions = { ...stackOptionsOf(options), signal: interrupt.signal };
      const part = (name: string, runId: string, keepLogsIn: string): Part => {
        const file = stacks.boot(name, {
          ...stackOptions,
          runId,
          log: (line) => log(`${name}: ${line}`),
        });
        return {
          // A failed boot is reported by the runner that waits for the stack.
          settings: { ...routing, stack: { provider: 'external', file, pending: true } },
          done: () => stacks.stop(name, keepLogsIn),
        };
      };
      const code = await runBothParts(
        part('routing', routing.runId, join(runReportDir(routing), 'logs')),
        browser
          ? part('browser', `${routing.runId}-browser`, join(browserReportDir(routing), 'stack-logs'))
          : undefined,
      );
      return interrupt.exitCode() ?? code;
    } finally {
      await stacks.stopAll();
      interrupt.release();
    }
  },
};

const phase6Files = ['scenarios/phase6.test.ts'];

/** A runner's settings, and what to do once it has finished (stop its stack). */
interface Part {
  settings: RunSettings;
  done?: () => Promise<void>;
}

/**
 * The routing scenarios and, with `browser` options, the browser scenarios at the same time. The two
 * runners share nothing but the terminal: the service-state phases switch the routing stack's
 * payment-service off and clear its cache, which the browser checkouts must not see, so the browser
 * scenarios have a stack of their own.
 */
async function runBothParts(routing: Part, browser?: Part): Promise<number> {
  const timer = stepTimer();
  const run = (part: Part, runner: () => Promise<number>) => async () => {
    try {
      return await runner();
    } finally {
      await part.done?.();
    }
  };
  if (!browser) {
    const code = await timer.time(
      'routing scenarios',
      run(routing, () => runScenarios({ settings: routing.settings, files: phase6Files })),
    );
    console.log(timer.summary());
    return code;
  }
  const browserOutput = new HeldOutput();
  const routingRun = timer
    .time(
      'routing scenarios',
      run(routing, () => runScenarios({ settings: routing.settings, files: phase6Files })),
    )
    .finally(() => browserOutput.release());
  const browserRun = timer.time(
    'browser scenarios',
    run(browser, () => runBrowserScenarios(browser.settings, browserOutput)),
    (line) => browserOutput.write(`${line}\n`),
  );
  const [code, browserCode] = await Promise.all([routingRun, browserRun]);
  console.log(timer.summary());
  return code !== 0 ? code : browserCode;
}
