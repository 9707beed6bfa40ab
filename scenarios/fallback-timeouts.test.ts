/**
 * [fallback] The payment-service accepts the connection and never answers (blackhole): the guide's
 * client must give up on its own timeouts (10 s total, 5 s connect) and still take the payment. One
 * seller with a cold cache (the fallback BIN) and one with a warm cache (its own BIN), concurrently,
 * in a file of their own so the wait overlaps with the other suites instead of adding to them.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sellers, type Seller } from '../fixtures/organizations.ts';
import { appendedSince, fileMark } from './support/bitrix-files.ts';
import { because, causes } from './support/causes.ts';
import { tracePayment } from './support/routing.ts';
import { basketFor, checkout } from '../simulator/bitrix/storefront-client.ts';
import { recordFinding, scenarioFile } from './support/suite.ts';

const { stack, faker, catalogue } = scenarioFile();
const logFile = () => stack.info.bitrix.logFiles.kaspiPaymentServiceLog ?? '';

// Runs before scenarioFile() closes the stack's clients (after hooks run newest first).
afterAll(() => stack.paymentService.reset());

/**
 * Faults that cost the client its timeouts (10 s total, 5 s connect in the guide's client). One or
 * two sellers each, concurrently, so the suite waits for one timeout, not for many.
 */
describe('[fallback] blackhole: the client’s own timeouts', () => {
  const [cold, warm] = sellers as [Seller, Seller, ...Seller[]];
  beforeAll(async () => {
    // Warm only the second seller.
    const attempt = await checkout(stack.info.bitrix.url, {
      items: basketFor(warm, catalogue, faker),
      paymentMethod: 'qr',
      faker,
    });
    if (!attempt.body.ok) throw new Error(`warming ${warm.name} failed`);
    await stack.paymentService.addFault({ fault: { kind: 'blackhole' } });
  });
  afterAll(() => stack.paymentService.reset());

  test.concurrent(
    `${cold.name} (${cold.shopId}), cold cache: diverted to the fallback after the client's timeout`,
    async ({ task }) => {
      const mark = fileMark(logFile());
      const { result, attempt } = await tracePayment(stack, {
        scenario: 'fallback cold: blackhole',
        seller: cold,
        catalogue,
        faker,
        expectation: 'fallback',
        meta: task.meta,
        context: { cache: 'cold', outage: 'blackhole' },
      });
      expect(result.passed, result.reason).toBe(true);
      expect(attempt.httpStatus).toBe(200);
      // The config lookup waits the 10 s curl timeout; the audit log write, blackholed too, waits again.
      expect(attempt.elapsedMs, 'the lookup gave up on its timeout, not at once').toBeGreaterThanOrEqual(
        9_000,
      );
      expect(attempt.elapsedMs, 'bounded by the client timeouts').toBeLessThan(25_000);
      await because(task.meta, causes.failureNotLogged(false), () =>
        expect(appendedSince(logFile(), mark), `a line for shop ${cold.shopId} in ${logFile()}`).toMatch(
          new RegExp(`\\b${cold.shopId}\\b`),
        ),
      );
      recordFinding(task.meta, {
        suite: 'fallback',
        key: 'timeout:blackhole:cold',
        severity: attempt.elapsedMs > 10_500 ? 'warning' : 'info',
        message: `With the payment-service blackholed and the config not cached, the customer waited ${attempt.elapsedMs} ms for a checkout that then paid the marketplace BIN.`,
        evidence: { elapsedMs: attempt.elapsedMs, receivedBin: result.receivedBin },
      });
    },
    90_000,
  );

  test.concurrent(
    `${warm.name} (${warm.shopId}), warm cache: paid on its own BIN; the wait is measured`,
    async ({ task }) => {
      // php -S workers may accept two simultaneous connections and serve them one after the other:
      // start once the cold checkout holds its worker, so each wait is the request's own.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const { result, attempt } = await tracePayment(stack, {
        scenario: 'fallback warm: blackhole',
        seller: warm,
        catalogue,
        faker,
        expectation: 'seller',
        meta: task.meta,
        context: { cache: 'warm', outage: 'blackhole' },
      });
      expect(result.passed, result.reason).toBe(true);
      const lookups = (await stack.paymentService.requests()).filter((entry) =>
        entry.path.includes(`payment/config?shop_id=${warm.shopId}`),
      );
      expect(lookups.length, 'only the warm-up looked the config up; the cache answered since').toBe(1);
      expect(attempt.elapsedMs, 'bounded by the audit log write timeout').toBeLessThan(15_000);
      recordFinding(task.meta, {
        suite: 'fallback',
        key: 'timeout:blackhole:warm',
        severity: attempt.elapsedMs > 2_000 ? 'warning' : 'info',
        message:
          attempt.elapsedMs > 2_000
            ? `Even with the config cached, the checkout took ${attempt.elapsedMs} ms: the paymentlog write is synchronous and waits its timeout.`
            : `With the config cached, the blackholed service did not slow the checkout (${attempt.elapsedMs} ms).`,
        evidence: { elapsedMs: attempt.elapsedMs },
      });
    },
    90_000,
  );
});
