/**
 * junit.xml stays a file CI can parse whatever a failure says: ANSI colours, NUL and other control
 * characters, markup, a lone surrogate — checked with Chromium's own XML parser.
 */
import { describe, expect, it } from 'vitest';
import { useParts } from '../../platform/testing.ts';
import { assemble } from '../../platform/lifecycle.ts';
import { startChromium } from '../../platform/chromium.ts';
import { renderJunit } from './junit.ts';
import { assessRun, reportSchemaVersion, type ReportedTest, type RunReport } from './model.ts';

const parts = useParts(assemble().with('chromium', () => startChromium()));

const hostile = [
  '\u001b[31mexpected\u001b[39m \u001b[1m920317450731\u001b[22m',
  'PHP Warning: fsockopen(): \u0000\u0001\u0007\u000b\u000c\u001f in file',
  '<failure> & "quotes" \'apostrophes\' ]]> <![CDATA[',
  'a lone surrogate \ud800 and \udfff, U+FFFE \ufffe',
].join('\n');

describe('junit.xml', () => {
  it('parses as XML with any failure message, and keeps its readable text', async () => {
    const tests: ReportedTest[] = [
      {
        name: `check ${hostile}`,
        file: 'scenarios/x.test.ts',
        state: 'failed',
        durationMs: 5,
        errors: [hostile],
      },
    ];
    const report: RunReport = {
      schemaVersion: reportSchemaVersion,
      runId: 'r',
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:01.000Z',
      seed: 1,
      ...assessRun(tests),
      tests,
    };
    const xml = renderJunit(report);
    const page = await parts.chromium.browser.newPage();
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        failure: doc.querySelector('failure')?.textContent ?? '',
        message: doc.querySelector('failure')?.getAttribute('message') ?? '',
      };
    }, xml);
    await page.close();
    expect(parsed.error).toBeNull();
    expect(parsed.failure).toContain('expected 920317450731');
    expect(parsed.failure).toContain('<failure> & "quotes"');
    expect(parsed.failure).toContain('\\u{0000}');
    expect(parsed.message).not.toContain('\u001b');
  });
});
