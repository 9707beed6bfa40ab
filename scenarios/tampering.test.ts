/**
 * [tampering] The customer's browser controls the query string, the body and the headers of the
 * checkout. The deployment guide's ApiClient reads `$_REQUEST['shop_id']` and `X-Shop-Id` when it
 * is not told the seller, so a customer who adds them must still pay the seller whose products are
 * in the basket — never another seller: when the site passes the shop id, and when code written
 * before Phase 3 calls the class from an order context without one. A basket mixing two sellers is
 * split or refused, never paid to one of them.
 */
import { beforeAll, describe, expect } from 'vitest';
import { sellers, type Seller } from '../fixtures/organizations.ts';
import { because, causes } from './support/causes.ts';
import { declaredContract } from './support/contract.ts';
import { forEachSeller } from './support/each-seller.ts';
import { paymentLogRows } from './support/evidence.ts';
import { basketFor } from '../simulator/bitrix/storefront-client.ts';
import { customerCheckout, judgeAttempt, type CustomerRequest, scenarioFile } from './support/suite.ts';

const { stack, faker, catalogue } = scenarioFile();
let logRoute: string | undefined;
beforeAll(async () => {
  logRoute = (await declaredContract(stack)).logRoute;
});

/** The seller a tampering customer tries to pay instead: the next one in the fixtures. */
const victimOf = (seller: Seller): Seller =>
  sellers[(sellers.indexOf(seller) + 1) % sellers.length] as Seller;

const purchaseCount = async (bin: string) => (await stack.kaspi.purchases({ bin })).length;

const vectors: { name: string; tamper: (victim: Seller) => Partial<CustomerRequest> }[] = [
  { name: '?shop_id= in the query', tamper: (victim) => ({ query: `?shop_id=${victim.shopId}` }) },
  { name: 'shop_id in the JSON body', tamper: (victim) => ({ bodyExtra: { shop_id: victim.shopId } }) },
  { name: 'X-Shop-Id header', tamper: (victim) => ({ headers: { 'X-Shop-Id': String(victim.shopId) } }) },
  {
    name: 'query, body and header together',
    tamper: (victim) => ({
      query: `?shop_id=${victim.shopId}`,
      bodyExtra: { shop_id: victim.shopId, SHOP_ID: victim.shopId },
      headers: { 'X-Shop-Id': String(victim.shopId) },
    }),
  },
];

const shapes = [
  { callShape: 'with-shop-id', label: '' },
  { callShape: 'order-context', label: ', no shop id (order context)' },
] as const;

for (const vector of vectors)
  for (const { callShape, label } of shapes) {
    describe(`[tampering] ${vector.name}${label}`, () => {
      // Nothing global changes: the sellers run together.
      describe.concurrent('sellers together', () => {
        forEachSeller(`%s: a customer naming another seller still pays this one`, async (seller, task) => {
          const victim = victimOf(seller);
          const attempt = await customerCheckout(stack, faker, {
            items: basketFor(seller, catalogue, faker),
            callShape,
            ...vector.tamper(victim),
          });
          const { result, purchase } = await judgeAttempt(stack, {
            scenario: `tampering: ${vector.name}${label}`,
            seller,
            attempt,
            expectation: 'seller',
            meta: task.meta,
            context: { tampering: vector.name, callShape },
          });
          expect(result.passed, result.reason).toBe(true);
          if (!attempt.body.ok) return;
          const forThisOrder = await stack.kaspi.purchases({ externalId: attempt.body.order.accountNumber });
          expect(
            forThisOrder.map((p) => p.organizationBin),
            `one purchase for the order, none on ${victim.name}'s BIN`,
          ).toEqual([seller.bin]);
          if (!logRoute) return;
          const logs = await paymentLogRows(stack, String(purchase?.qrPaymentId));
          await because(task.meta, causes.paymentlogRow('create', 'QR payment'), () =>
            expect(logs.map((row) => [row.shop_id, row.organization_bin])).toEqual([
              [seller.shopId, seller.bin],
            ]),
          );
        });
      });
    });
  }

describe('[tampering] a basket mixing two sellers', () => {
  forEachSeller('%s + the next seller: split per seller or refused, never paid to one', async (seller) => {
    const other = victimOf(seller);
    const own = catalogue.find((product) => product.shopId === seller.shopId);
    const theirs = catalogue.find((product) => product.shopId === other.shopId);
    if (!own || !theirs) throw new Error('the catalogue lacks a product of one of the two sellers');
    const before = {
      own: await stack.kaspi.purchases({ bin: seller.bin }),
      other: await purchaseCount(other.bin),
    };
    const fallbackBefore = await purchaseCount(stack.info.fallback.bin);

    const attempt = await customerCheckout(stack, faker, {
      items: [
        { productId: own.id, quantity: 1 },
        { productId: theirs.id, quantity: 2 },
      ],
    });

    const ownAfter = await stack.kaspi.purchases({ bin: seller.bin });
    const otherAfter = await purchaseCount(other.bin);
    expect(await purchaseCount(stack.info.fallback.bin), 'nothing on the marketplace BIN').toBe(
      fallbackBefore,
    );
    if (!attempt.body.ok) {
      // Refused: the customer is told, and neither seller has a purchase.
      expect(attempt.httpStatus).toBeGreaterThanOrEqual(400);
      expect(attempt.body.error.message).not.toBe('');
      expect(ownAfter.length, `no purchase on ${seller.name}`).toBe(before.own.length);
      expect(otherAfter, `no purchase on ${other.name}`).toBe(before.other);
    } else {
      // Split: each seller's BIN gets exactly its own share, and nothing the size of the whole basket.
      const created = ownAfter.slice(before.own.length);
      expect(
        created.map((p) => p.amount),
        `${seller.name} is paid for its item only`,
      ).toEqual([own.price]);
      expect(otherAfter - before.other, `${other.name} is paid too`).toBe(1);
    }
  });
});
