/** One test per seller of the fixtures: add a seller to fixtures/sellers.json and every scenario covers it. */
import { test, type TestContext } from 'vitest';
import { sellers, type Seller } from '../../fixtures/organizations.ts';

/** `title` may hold `%s`, replaced by "Name (shop_id)". */
export function forEachSeller(
  title: string,
  body: (seller: Seller, task: TestContext['task']) => Promise<void>,
): void {
  for (const seller of sellers) {
    test(title.replace('%s', `${seller.name} (${seller.shopId})`), ({ task }) => body(seller, task));
  }
}
