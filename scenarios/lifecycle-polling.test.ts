/**
 * [lifecycle] The order page polls at the interval Kaspi asked for (StatusPollingInterval, 5 s),
 * not faster: measured on the Kaspi simulator's journal of `payment/status/{id}` requests while a
 * real browser (Chromium) keeps the page open. Two sellers at once, one tab each; a third order is
 * opened in two tabs and the resulting rate at Kaspi is reported as a finding (the server forwards
 * every poll, so tabs multiply it). In a file of its own: it waits ~11 s, overlapping other files.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test, type TaskMeta } from 'vitest';
import { seededFaker } from '../fixtures/customers.ts';
import type { Seller } from '../fixtures/organizations.ts';
import { selectedSellers } from './support/each-seller.ts';
import { launchChromium } from '../platform/chromium.ts';
import { tracePayment } from './support/routing.ts';
import { connectToStack } from './support/stack-context.ts';
import { fetchCatalogue, type Product } from '../simulator/bitrix/storefront-client.ts';
import { recordFinding, resetStack, runSeed } from './support/suite.ts';

const stack = connectToStack();
const faker = seededFaker(runSeed());
let catalogue: Product[] = [];
let browser: Browser;
const watchMs = 11_500;
const kaspiInterval = 5;

beforeAll(async () => {
  await resetStack(stack);
  catalogue = await fetchCatalogue(stack.info.bitrix.url);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack.close();
});

async function openOrderPages(seller: Seller, meta: TaskMeta, tabs: number) {
  const { result, attempt, purchase } = await tracePayment(stack, {
    scenario: 'lifecycle: status polling',
    seller,
    catalogue,
    faker,
    expectation: 'seller',
    meta,
  });
  expect(result.passed, result.reason).toBe(true);
  if (!attempt.body.ok || !purchase) throw new Error('unreachable: a passed result has an order');
  const context = await browser.newContext();
  try {
    const pages = await Promise.all(Array.from({ length: tabs }, () => context.newPage()));
    await Promise.all(
      pages.map((page) =>
        page.goto(`${stack.info.bitrix.url}/order.php?id=${attempt.body.ok ? attempt.body.order.id : 0}`),
      ),
    );
    const shown = await pages[0]?.getAttribute('[data-testid="order-status"]', 'data-polling-interval');
    expect(Number(shown), 'the page polls at the interval Kaspi gave').toBe(kaspiInterval);
    await new Promise((resolve) => setTimeout(resolve, watchMs));
  } finally {
    await context.close();
  }
  const polls = await stack.kaspi.journal({ path: `payment/status/${purchase.qrPaymentId}` });
  const times = polls.map((entry) => Date.parse(entry.time)).sort((a, b) => a - b);
  const gaps = times.slice(1).map((time, index) => time - (times[index] ?? time));
  return { times, gaps };
}

describe('[lifecycle] status polling rate', () => {
  // Three sellers' orders at once; a marketplace with fewer sellers reuses them (orders stay apart).
  const chosen = selectedSellers();
  const pick = (index: number): Seller => chosen[index % chosen.length]!;
  const third = pick(2);

  for (const seller of new Set([pick(0), pick(1)])) {
    test.concurrent(
      `${seller.name} (${seller.shopId}): one open order page asks Kaspi every ${kaspiInterval} s, not faster`,
      async ({ task }) => {
        const { times, gaps } = await openOrderPages(seller, task.meta, 1);
        // Page load (one status call) and then the page's own polls at 5 s and 10 s.
        expect(times.length, 'status calls while the page was open').toBeGreaterThanOrEqual(3);
        expect(times.length).toBeLessThanOrEqual(Math.floor(watchMs / (kaspiInterval * 1000)) + 2);
        for (const gap of gaps)
          expect(gap, 'ms between two status calls').toBeGreaterThanOrEqual(kaspiInterval * 1000 - 300);
      },
      30_000,
    );
  }

  test.concurrent(
    `${third.name} (${third.shopId}): the same order open in two tabs — rate at Kaspi reported`,
    async ({ task }) => {
      const { times, gaps } = await openOrderPages(third, task.meta, 2);
      expect(times.length, 'both tabs poll').toBeGreaterThanOrEqual(3);
      const fastest = gaps.length ? Math.min(...gaps) : null;
      recordFinding(task.meta, {
        suite: 'lifecycle',
        key: 'polling:tabs-multiply-rate',
        severity: fastest !== null && fastest < kaspiInterval * 1000 - 300 ? 'warning' : 'info',
        message:
          fastest !== null && fastest < kaspiInterval * 1000 - 300
            ? `Two open tabs of one order made Bitrix ask Kaspi ${times.length} times in ${watchMs} ms (closest ${fastest} ms apart, Kaspi asked for ${kaspiInterval} s): the server forwards every browser poll.`
            : `Two open tabs kept to Kaspi's ${kaspiInterval} s interval (${times.length} calls in ${watchMs} ms).`,
        evidence: {
          calls: times.length,
          fastestGapMs: fastest,
          watchMs,
          statusPollingIntervalS: kaspiInterval,
        },
      });
    },
    30_000,
  );
});
