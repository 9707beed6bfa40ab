/** Places `perSeller` orders for every seller with bounded concurrency and checks each landed right. */
import { Agent, request } from 'node:http';
import type { Seller } from '../../fixtures/organizations.ts';
import type { StackInfo } from '../../stack/stack.ts';

export interface OrdersResult {
  orders: number;
  wrong: number;
  failed: number;
  wallMs: number;
}

interface JsonAnswer {
  status: number;
  body: unknown;
}

/**
 * One JSON request over node:http. The stack shares this process's one thread with the egress
 * proxy and both simulators, so the client's own cost per order counts against the stack: fetch
 * (undici's WHATWG streams, abort signals, body cloning) cost ~2 ms of CPU per order for the
 * checkout and the purchase lookup together; node:http with a keep-alive agent a fraction of that.
 */
function requestJson(agent: Agent, url: URL, method: string, payload?: string): Promise<JsonAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        agent,
        method,
        headers: payload === undefined ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          let body: unknown = {};
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            // not JSON (a PHP fatal error page): counted as failed by the caller
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export async function placeOrders(
  info: StackInfo,
  sellers: readonly Seller[],
  perSeller: number,
  concurrency: number,
): Promise<OrdersResult> {
  // php -S closes every connection after one answer; the Kaspi control API keeps them open.
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    const catalogue = (await requestJson(agent, new URL(`${info.bitrix.url}/local/api/catalogue.php`), 'GET'))
      .body as { products: { id: number; shopId: number }[] };
    const productOf = new Map(catalogue.products.map((product) => [product.shopId, product.id]));
    const jobs = sellers.flatMap((seller) => Array.from({ length: perSeller }, () => seller));
    const checkoutUrl = new URL(`${info.bitrix.url}/local/api/checkout.php`);
    let next = 0;
    let wrong = 0;
    let failed = 0;
    const placed: { qrPaymentId: number; bin: string }[] = [];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < jobs.length) {
          const seller = jobs[next++]!;
          const answer = await requestJson(
            agent,
            checkoutUrl,
            'POST',
            JSON.stringify({
              items: [{ productId: productOf.get(seller.shopId), quantity: 1 }],
              customer: { name: 'Bench Customer', phone: '77001234567', email: 'bench@example.test' },
              paymentMethod: 'qr',
            }),
          ).catch(() => ({ status: 0, body: {} }));
          const body = answer.body as { ok?: boolean; payment?: { qrPaymentId: number } };
          if (!body.ok || !body.payment) {
            failed += 1;
            continue;
          }
          placed.push({ qrPaymentId: body.payment.qrPaymentId, bin: seller.bin });
        }
      }),
    );
    // Where each payment landed, as the Kaspi simulator recorded it: the BIN must be the seller's
    // own, and a purchase the simulator does not know counts as wrong. One GET /control/purchases
    // (what KaspiControlClient.purchases asks) inside the timed window instead of one lookup per
    // order, which cost the shared Node thread another request per order.
    const recorded = await requestJson(agent, new URL(`${info.kaspi.controlUrl}/control/purchases`), 'GET');
    const landedOn = new Map(
      (
        (recorded.body as { purchases?: { qrPaymentId: number; organizationBin: string }[] }).purchases ?? []
      ).map((purchase) => [purchase.qrPaymentId, purchase.organizationBin]),
    );
    for (const order of placed) if (landedOn.get(order.qrPaymentId) !== order.bin) wrong += 1;
    return { orders: jobs.length, wrong, failed, wallMs: Math.round(performance.now() - started) };
  } finally {
    agent.destroy();
  }
}
