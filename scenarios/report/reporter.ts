/**
 * A vitest reporter that turns a scenario run into `reports/<run>/`: results.json (the routing facts
 * of every payment, the root causes of the failed checks, the defects found), junit.xml, report.html
 * and the terminal summary. The run's verdict is the report's: a defect the team has not accepted fails
 * it even when every check passed (the CLI exits by it). Runs without routing results (unit tests
 * alone) write nothing.
 */
import { join, relative } from 'node:path';
import type { Reporter, SerializedError, TestCase, TestModule, Vitest } from 'vitest/node';
import { assessRun, reportSchemaVersion, type ReportedTest, type RunReport } from './model.ts';
import { runInputsOf } from './run-inputs.ts';
import { renderSummary } from './summary.ts';
import { pointLatest, writeRunReport } from './write.ts';
import { maskToken } from '../../fixtures/organizations.ts';
import { colourWanted } from '../../platform/colour.ts';
import { runReportDir, runSettings } from '../../stack/run-settings.ts';
import '../support/routing.ts';
import '../support/findings.ts';
import '../support/causes.ts';

function describeTest(test: TestCase, root: string): ReportedTest {
  const result = test.result();
  const { routing, findings, cause } = test.meta();
  const state = result.state === 'passed' ? 'passed' : result.state === 'failed' ? 'failed' : 'skipped';
  return {
    name: test.fullName,
    file: relative(root, test.module.moduleId),
    state,
    durationMs: Math.round(test.diagnostic()?.duration ?? 0),
    errors: (result.errors ?? []).map((error) => error.message ?? String(error)),
    routing: routing
      ? { ...routing, receivedToken: routing.receivedToken && maskToken(routing.receivedToken) }
      : undefined,
    findings: findings?.length ? findings : undefined,
    cause: state === 'failed' ? cause : undefined,
  };
}

/**
 * Errors outside any check — a hook that failed (the stack did not boot, say), a file that did not
 * load, an error after the run — as failed checks of their own, so a run never passes on them and
 * their cause is listed with the others.
 */
function errorsOutsideChecks(
  modules: ReadonlyArray<TestModule>,
  unhandled: ReadonlyArray<SerializedError>,
  root: string,
): ReportedTest[] {
  const failed = (name: string, file: string, errors: readonly SerializedError[]): ReportedTest => ({
    name,
    file,
    state: 'failed',
    durationMs: 0,
    errors: errors.map((error) => error.message ?? String(error)),
  });
  const found: ReportedTest[] = [];
  for (const module of modules) {
    const file = relative(root, module.moduleId);
    if (module.errors().length) found.push(failed(`${file} (set-up)`, file, module.errors()));
    for (const suite of module.children.allSuites())
      if (suite.errors().length) found.push(failed(`${suite.fullName} (set-up)`, file, suite.errors()));
  }
  if (unhandled.length) found.push(failed('errors outside the checks', 'scenarios', unhandled));
  return found;
}

export default class RoutingReporter implements Reporter {
  private readonly startedAt = new Date().toISOString();
  /** vitest's own `--shard index/count`, when this run is one share of the catalogue. */
  private shard: { index: number; count: number } | undefined;

  onInit(vitest: Vitest): void {
    const shard = vitest.config.shard;
    this.shard = shard ? { index: shard.index, count: shard.count } : undefined;
  }

  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
  ): void {
    const root = join(import.meta.dirname, '..', '..');
    const tests = [
      ...testModules.flatMap((module) =>
        [...module.children.allTests()].map((test) => describeTest(test, root)),
      ),
      ...errorsOutsideChecks(testModules, unhandledErrors, root),
    ];
    // Scenario runs get a report even when no payment was judged (every test timed out, say), and a
    // shard even when its share was empty: the merge must tell an empty share from a missing one.
    const isScenario = (file: string) => /^scenarios\/[^/]+\.test\.ts$/.test(file);
    if (!this.shard && !tests.some((test) => test.routing || isScenario(test.file))) return;
    const settings = runSettings();
    const report: RunReport = {
      schemaVersion: reportSchemaVersion,
      runId: settings.runId,
      startedAt: this.startedAt,
      finishedAt: new Date().toISOString(),
      seed: settings.seed,
      ...assessRun(tests, settings.acceptedFindings),
      tests,
      ...(this.shard ? { shard: { ...this.shard, inputs: runInputsOf(settings) } } : {}),
    };
    const dir = runReportDir(settings);
    // The global teardown copies the stack's logs into logs/ after this reporter has run.
    writeRunReport(dir, report, { logFiles: ['logs/'] });
    // A shard leaves `latest` alone: it is a part, and `report --merge` points it at the whole.
    if (!this.shard) pointLatest(settings.reportsDir, settings.runId);
    console.log(
      renderSummary(report, {
        color: colourWanted(process.stdout),
        reportDir: relative(process.cwd(), dir),
      }),
    );
  }
}
