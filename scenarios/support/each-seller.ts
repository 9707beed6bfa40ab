/** One test per seller of the fixtures: add a seller to fixtures/sellers.json and every scenario covers it. */
import { test, type ExpectStatic, type TestContext } from 'vitest';
import { sellersNamed, type Seller } from '../../fixtures/organizations.ts';
import { NotImplemented } from './causes.ts';
import { runSettings } from '../../stack/run-settings.ts';

/** The sellers this run covers: all, or those named by `--seller`. */
export const selectedSellers = (): readonly Seller[] => sellersNamed(runSettings().sellers);

/**
 * `title` may hold `%s`, replaced by "Name (shop_id)". With `concurrent`, the sellers' tests run at
 * the same time (vitest's test.concurrent, up to its maxConcurrency): only for bodies that share no
 * mutable state but the stack's, which they must not change.
 */
export function forEachSeller(
  title: string,
  // A concurrent test must assert with its own context's expect (vitest), so the body is handed it.
  body: (seller: Seller, task: TestContext['task'], expect: ExpectStatic) => Promise<void>,
  { concurrent = false } = {},
): void {
  const define = concurrent ? test.concurrent : test;
  for (const seller of selectedSellers()) {
    define(title.replace('%s', `${seller.name} (${seller.shopId})`), (context) =>
      siteCheck(context, () => body(seller, context.task, context.expect)),
    );
  }
}

/**
 * Runs a check of something the site calls: when the team's class lacks the method, that is a defect
 * of the run (recorded, acceptable by key), and the check is skipped rather than failed.
 */
export async function siteCheck(context: TestContext, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (error instanceof NotImplemented) {
      error.record(context.task.meta, suiteOf(context.task.file.name));
      context.skip(error.message);
    }
    throw error;
  }
}

const suiteOf = (file: string): string => /([\w-]+)\.test\.ts$/.exec(file)?.[1] ?? file;

/** A stable number for a text (a test's title, say), to derive a per-test seed from the run's. */
export function textHash(text: string): number {
  let value = 0;
  for (const char of text) value = (Math.imul(value, 31) + char.charCodeAt(0)) | 0;
  return Math.abs(value);
}
