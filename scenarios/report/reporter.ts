/**
 * A vitest reporter that turns a scenario run into `reports/<run>/`: results.json (the routing facts
 * of every payment), junit.xml, and the terminal summary. Runs without routing results (unit tests
 * alone) write nothing.
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import { renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';
import { reportSchemaVersion, summarizeTotals, type ReportedTest, type RunReport } from './model.ts';
import { renderSummary } from './summary.ts';
import { maskToken } from '../../fixtures/organizations.ts';
import '../support/routing.ts';
import '../support/findings.ts';

/** `reports/` of the repository, unless KASPI_HARNESS_REPORTS_DIR names another place (nested runs). */
export const reportsRoot =
  process.env.KASPI_HARNESS_REPORTS_DIR ?? join(import.meta.dirname, '..', '..', 'reports');

export function reportDirFor(runId: string): string {
  return join(reportsRoot, runId);
}

function describeTest(test: TestCase, root: string): ReportedTest {
  const result = test.result();
  const { routing, findings } = test.meta();
  return {
    name: test.fullName,
    file: relative(root, test.module.moduleId),
    state: result.state === 'passed' ? 'passed' : result.state === 'failed' ? 'failed' : 'skipped',
    durationMs: Math.round(test.diagnostic()?.duration ?? 0),
    errors: (result.errors ?? []).map((error) => error.message ?? String(error)),
    routing: routing
      ? { ...routing, receivedToken: routing.receivedToken && maskToken(routing.receivedToken) }
      : undefined,
    findings: findings?.length ? findings : undefined,
  };
}

/** The global teardown copies the stack's logs after this reporter runs; link where they will be. */
function expectedLogFiles(): string[] {
  return ['logs/'];
}

export default class RoutingReporter implements Reporter {
  private readonly startedAt = new Date().toISOString();

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const root = join(import.meta.dirname, '..', '..');
    const tests = testModules.flatMap((module) =>
      [...module.children.allTests()].map((test) => describeTest(test, root)),
    );
    // Scenario runs get a report even when no payment was judged (every test timed out, say).
    const isScenario = (file: string) => /^scenarios\/[^/]+\.test\.ts$/.test(file);
    if (!tests.some((test) => test.routing || isScenario(test.file))) return;
    const runId = process.env.KASPI_HARNESS_RUN_ID ?? 'unnamed';
    const totals = summarizeTotals(tests);
    const seed = process.env.KASPI_HARNESS_SEED ? Number(process.env.KASPI_HARNESS_SEED) : null;
    const report: RunReport = {
      schemaVersion: reportSchemaVersion,
      runId,
      startedAt: this.startedAt,
      finishedAt: new Date().toISOString(),
      seed,
      verdict: totals.failed === 0 ? 'pass' : 'fail',
      totals,
      tests,
    };
    const dir = reportDirFor(runId);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(dir, 'junit.xml'), renderJunit(report));
    writeFileSync(join(dir, 'report.html'), renderHtml(report, { logFiles: expectedLogFiles() }));
    const summary = renderSummary(report, { color: false, reportDir: relative(process.cwd(), dir) });
    writeFileSync(join(dir, 'summary.txt'), `${summary}\n`);
    const latest = join(reportsRoot, 'latest');
    rmSync(latest, { force: true });
    symlinkSync(runId, latest);
    console.log(
      renderSummary(report, {
        color: process.stdout.isTTY === true,
        reportDir: relative(process.cwd(), dir),
      }),
    );
  }
}
