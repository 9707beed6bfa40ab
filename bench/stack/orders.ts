/** Places `perSeller` orders for every seller with bounded concurrency and checks each landed right. */
import { KaspiControlClient } from '../../simulator/kaspi/index.ts';
import type { Seller } from '../../fixtures/organizations.ts';
import type { StackInfo } from '../../stack/stack.ts';

export interface OrdersResult {
  orders: number;
  wrong: number;
  failed: number;
  wallMs: number;
}

export async function placeOrders(
  info: StackInfo,
  sellers: readonly Seller[],
  perSeller: number,
  concurrency: number,
): Promise<OrdersResult> {
  const catalogue = (await (await fetch(`${info.bitrix.url}/local/api/catalogue.php`)).json()) as {
    products: { id: number; shopId: number }[];
  };
  const productOf = new Map(catalogue.products.map((product) => [product.shopId, product.id]));
  const jobs = sellers.flatMap((seller) => Array.from({ length: perSeller }, () => seller));
  const kaspi = new KaspiControlClient(info.kaspi.controlUrl);
  let next = 0;
  let wrong = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < jobs.length) {
        const seller = jobs[next++]!;
        const response = await fetch(`${info.bitrix.url}/local/api/checkout.php`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            items: [{ productId: productOf.get(seller.shopId), quantity: 1 }],
            customer: { name: 'Bench Customer', phone: '77001234567', email: 'bench@example.test' },
            paymentMethod: 'qr',
          }),
        });
        const body = (await response.json().catch(() => ({}))) as {
          ok?: boolean;
          payment?: { qrPaymentId: number };
        };
        if (!body.ok || !body.payment) {
          failed += 1;
          continue;
        }
        const purchase = await kaspi.purchase(body.payment.qrPaymentId);
        if (purchase?.organizationBin !== seller.bin) wrong += 1;
      }
    }),
  );
  return { orders: jobs.length, wrong, failed, wallMs: Math.round(performance.now() - started) };
}
