/**
 * The HTML report as a person sees it: rendered in real Chromium from a file (no server), the routing
 * matrix shows each seller's received BIN in the right colour, failures stand out.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useParts } from '../../platform/testing.ts';
import { assemble } from '../../platform/lifecycle.ts';
import { scratchDir } from '../../platform/run-dir.ts';
import { fallbackOrganization, sellers } from '../../fixtures/organizations.ts';
import { startChromium } from '../../platform/chromium.ts';
import type { RoutingResult, Verdict } from '../support/verdict.ts';
import { causes } from '../support/causes.ts';
import { renderHtml } from './html.ts';
import { assessRun, reportSchemaVersion, type ReportedTest, type RunReport } from './model.ts';

const [eileen, vlvt, santini] = sellers as [(typeof sellers)[0], (typeof sellers)[0], (typeof sellers)[0]];

function payment(
  scenario: string,
  seller: typeof eileen,
  receivedBin: string | null,
  verdict: Verdict,
  passed: boolean,
): ReportedTest {
  const routing: RoutingResult = {
    scenario,
    sellerName: seller.name,
    shopId: seller.shopId,
    sellerBin: seller.bin,
    expectedBin: seller.bin,
    receivedBin,
    receivedToken: 'abcd…wxyz',
    verdict,
    passed,
    reason: passed ? 'ok' : `money landed on ${receivedBin}`,
    qrPaymentId: 1,
    orderId: 1,
    amount: 1000,
    durationMs: 12,
    trace: [
      {
        at: '2026-01-01T00:00:00.000Z',
        from: 'Bitrix',
        to: 'Kaspi',
        request: 'POST /r3/v01/qr/create',
        answer: 'StatusCode 0',
        ms: 3,
      },
    ],
  };
  return {
    name: `${scenario} › ${seller.name}`,
    file: 'scenarios/x.test.ts',
    state: passed ? 'passed' : 'failed',
    durationMs: 12,
    errors: passed ? [] : ['AssertionError: wrong BIN'],
    routing,
  };
}

const tests = [
  payment('routing', eileen, eileen.bin, 'correct', true),
  { ...payment('routing', vlvt, eileen.bin, 'astray', false), cause: causes.paidDefaultShop() },
  payment('routing', santini, null, 'not-paid', false),
  {
    ...payment('fallback', eileen, fallbackOrganization.bin, 'diverted', true),
    findings: [
      {
        suite: 'fallback',
        key: 'drift:GET /api/payment/config',
        severity: 'defect' as const,
        message:
          'The Bitrix client calls GET /api/payment/config, which the "deployed" contract does not serve.',
      },
    ],
  },
];
const report: RunReport = {
  schemaVersion: reportSchemaVersion,
  runId: 'test-run',
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:00:01.000Z',
  seed: 1,
  ...assessRun(tests),
  tests,
};

const parts = useParts(
  assemble()
    .with('chromium', () => startChromium())
    .with('dir', () => scratchDir('kaspi-harness-html-')),
);

describe('report.html in Chromium', () => {
  it('shows the routing matrix: received BINs, colours and failures at a glance', async () => {
    const file = join(parts.dir.path, 'report.html');
    writeFileSync(file, renderHtml(report));
    const page = await parts.chromium.browser.newPage();
    await page.goto(pathToFileURL(file).href);
    await expect(page.locator('#verdict').textContent()).resolves.toBe('FAIL');
    const cell = (shopId: number, scenario: string) =>
      page.locator(`#routing-matrix tr[data-seller="${shopId}"] td[data-scenario="${scenario}"]`);
    const background = (shopId: number, scenario: string) =>
      cell(shopId, scenario).evaluate((el) => getComputedStyle(el).backgroundColor);

    expect(await cell(eileen.shopId, 'routing').innerText()).toContain(eileen.bin);
    expect(await background(eileen.shopId, 'routing')).toBe('rgb(218, 251, 225)');
    expect(await cell(vlvt.shopId, 'routing').innerText()).toContain(
      `${eileen.bin}\nwrong organization · FAIL`,
    );
    expect(await background(vlvt.shopId, 'routing')).toBe('rgb(255, 216, 211)');
    expect(await cell(santini.shopId, 'routing').innerText()).toContain('not paid');
    expect(await cell(eileen.shopId, 'fallback').innerText()).toContain(fallbackOrganization.bin);
    expect(await background(eileen.shopId, 'fallback')).toBe('rgb(255, 241, 194)');
    expect(await page.locator('#routing-matrix td[data-passed="false"]').count()).toBe(2);
    await page.close();
  });

  it('opens with the defects and the root causes, each with its fix, before the matrix', async () => {
    const file = join(parts.dir.path, 'causes.html');
    writeFileSync(file, renderHtml(report));
    const page = await parts.chromium.browser.newPage();
    await page.goto(pathToFileURL(file).href);
    const headings = await page.locator('h2').allInnerTexts();
    expect(headings.slice(0, 3)).toEqual([
      'Defects',
      'Root causes of the failed checks',
      'Where the money landed',
    ]);
    await expect(page.locator('#defects li').first().textContent()).resolves.toContain(
      'drift:GET /api/payment/config',
    );
    const first = page.locator('#causes li').first();
    expect(await first.getAttribute('data-key')).toBe('paid-default-shop');
    expect(await first.innerText()).toContain(`sellers: ${vlvt.name} (${vlvt.shopId})`);
    expect(await first.innerText()).toContain('fix: find the seller of the order itself');
    expect(await page.locator('#causes li').count()).toBe(2);
    await page.close();
  });

  it('never prints a full device token', () => {
    expect(renderHtml(report)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
  });
});
