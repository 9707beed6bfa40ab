/** The one line phase6 and `run` print for the browser scenarios, from Playwright's JSON report. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { browserSummaryLine } from './browser-run.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function reportWith(stats: { expected: number; unexpected: number; flaky: number }): string {
  const dir = mkdtempSync(join(tmpdir(), 'kh-browser-summary-'));
  dirs.push(dir);
  writeFileSync(
    join(dir, 'results.json'),
    JSON.stringify({ stats: { ...stats, skipped: 0, duration: 21_400 } }),
  );
  return dir;
}

describe('browserSummaryLine', () => {
  it('passes only when every checkout passed the first time', () => {
    expect(browserSummaryLine(0, reportWith({ expected: 15, unexpected: 0, flaky: 0 }))).toMatch(
      /^browser: PASS — storefront checkouts in Chromium: 15 passed in 21 s; report /,
    );
  });

  it('fails on a checkout that failed, pointing at its evidence', () => {
    const line = browserSummaryLine(1, reportWith({ expected: 14, unexpected: 1, flaky: 0 }));
    expect(line).toMatch(/^browser: FAIL — .*1 of 15 failed \(traces and screenshots in .*artifacts\)/);
  });

  it('fails on a checkout that passed only on its retry (the retry is there to record a trace)', () => {
    const line = browserSummaryLine(0, reportWith({ expected: 14, unexpected: 0, flaky: 1 }));
    expect(line).toMatch(/^browser: FAIL — .*1 of 15 failed once and passed on the retry \(flaky\)/);
  });
});
