/** N synthetic sellers for scale runs: the fixtures' seven first, then generated shops with distinct BINs. */
import { sellerFrom, sellers, type Seller } from '../../fixtures/organizations.ts';

export function generatedSellers(count: number): Seller[] {
  const result = sellers.slice(0, count);
  for (let i = result.length; i < count; i += 1) {
    const shopId = 900_000 + i;
    result.push(sellerFrom({ shopId, name: `Bench shop ${i}`, bin: String(700_000_000_000 + i) }));
  }
  return result;
}
