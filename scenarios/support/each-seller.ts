/** One test per seller of the fixtures: add a seller to fixtures/sellers.json and every scenario covers it. */
import { test, type ExpectStatic, type TestContext } from 'vitest';
import { sellers, type Seller } from '../../fixtures/organizations.ts';

/** The sellers this run covers: all, or those named by `--seller` (KASPI_HARNESS_SELLERS=121038,576631). */
export function selectedSellers(env: NodeJS.ProcessEnv = process.env): readonly Seller[] {
  const raw = env.KASPI_HARNESS_SELLERS?.trim();
  if (!raw) return sellers;
  const wanted = raw.split(',').map((id) => Number(id.trim()));
  const unknown = wanted.filter((id) => !sellers.some((seller) => seller.shopId === id));
  if (unknown.length)
    throw new Error(`--seller ${unknown.join(',')}: no such shop_id in fixtures/sellers.json`);
  return sellers.filter((seller) => wanted.includes(seller.shopId));
}

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
    define(title.replace('%s', `${seller.name} (${seller.shopId})`), ({ task, expect }) =>
      body(seller, task, expect),
    );
  }
}

/** A stable number for a text (a test's title, say), to derive a per-test seed from the run's. */
export function textHash(text: string): number {
  let value = 0;
  for (const char of text) value = (Math.imul(value, 31) + char.charCodeAt(0)) | 0;
  return Math.abs(value);
}
