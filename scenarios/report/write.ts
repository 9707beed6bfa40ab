/**
 * A run folder's files, written the same way by the reporter at the end of a run and by
 * `kaspi-harness report --merge`: results.json, junit.xml, report.html and summary.txt; and the
 * `latest` link beside the run folders.
 */
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';
import type { RunReport } from './model.ts';
import { renderSummary } from './summary.ts';

export function writeRunReport(
  dir: string,
  report: RunReport,
  options: { logFiles: readonly string[] },
): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, 'junit.xml'), renderJunit(report));
  writeFileSync(join(dir, 'report.html'), renderHtml(report, { logFiles: options.logFiles }));
  const summary = renderSummary(report, { color: false, reportDir: relative(process.cwd(), dir) });
  writeFileSync(join(dir, 'summary.txt'), `${summary}\n`);
}

/**
 * Points `<reportsDir>/latest` at `runId` in one step (a new link renamed over the old one), so that
 * runs finishing at the same time into one reports dir never see it missing or fail to replace it.
 */
export function pointLatest(reportsDir: string, runId: string): void {
  const latest = join(reportsDir, 'latest');
  const next = join(reportsDir, `.latest-${process.pid}-${Date.now()}`);
  symlinkSync(runId, next);
  try {
    renameSync(next, latest);
  } catch (error) {
    rmSync(next, { force: true });
    throw error;
  }
}
