/**
 * A vitest reporter that turns a scenario run into `reports/<run>/`: results.json (the routing facts
 * of every payment, the root causes of the failed checks, the defects found), junit.xml, report.html
 * and the terminal summary. The run's verdict is the report's: a defect the team has not accepted fails
 * it even when every check passed (the CLI exits by it). Runs without routing results (unit tests
 * alone) write nothing.
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Reporter, SerializedError, TestCase, TestModule } from 'vitest/node';
import { renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';
import { assessRun, reportSchemaVersion, type ReportedTest, type RunReport } from './model.ts';
import { renderSummary } from './summary.ts';
import { maskToken } from '../../fixtures/organizations.ts';
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
    // Scenario runs get a report even when no payment was judged (every test timed out, say).
    const isScenario = (file: string) => /^scenarios\/[^/]+\.test\.ts$/.test(file);
    if (!tests.some((test) => test.routing || isScenario(test.file))) return;
    const settings = runSettings();
    const report: RunReport = {
      schemaVersion: reportSchemaVersion,
      runId: settings.runId,
      startedAt: this.startedAt,
      finishedAt: new Date().toISOString(),
      seed: settings.seed,
      ...assessRun(tests, settings.acceptedFindings),
      tests,
    };
    const dir = runReportDir(settings);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(dir, 'junit.xml'), renderJunit(report));
    // The global teardown copies the stack's logs into logs/ after this reporter has run.
    writeFileSync(join(dir, 'report.html'), renderHtml(report, { logFiles: ['logs/'] }));
    const summary = renderSummary(report, { color: false, reportDir: relative(process.cwd(), dir) });
    writeFileSync(join(dir, 'summary.txt'), `${summary}\n`);
    const latest = join(settings.reportsDir, 'latest');
    rmSync(latest, { force: true });
    symlinkSync(settings.runId, latest);
    console.log(
      renderSummary(report, {
        color: process.stdout.isTTY === true,
        reportDir: relative(process.cwd(), dir),
      }),
    );
  }
}
