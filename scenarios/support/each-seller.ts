/** One test per seller of the fixtures: add a seller to fixtures/sellers.json and every scenario covers it. */
import { test, type TestContext } from 'vitest';
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

/** `title` may hold `%s`, replaced by "Name (shop_id)". */
export function forEachSeller(
  title: string,
  body: (seller: Seller, task: TestContext['task']) => Promise<void>,
): void {
  for (const seller of selectedSellers()) {
    test(title.replace('%s', `${seller.name} (${seller.shopId})`), ({ task }) => body(seller, task));
  }
}
