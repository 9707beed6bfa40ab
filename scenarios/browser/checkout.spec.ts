/**
 * [browser] The storefront's checkout as a customer sees it, in Chromium, for every seller of
 * fixtures/organizations.ts and both payment methods: catalogue → cart → checkout → the QR drawn on
 * the order page (or the payment link) → the phone scans and confirms → the page shows Paid. And
 * where the money went: Kaspi's purchase is on the seller's BIN. A cart mixing two sellers becomes
 * one order and one purchase per seller, never one payment to one of them. A remote invoice to the
 * customer's phone is paid in the app, and the page learns it only when the customer asks.
 */
import { sellers, type Seller } from '../../fixtures/organizations.ts';
import { expect, selectedSellers, test, type PaymentMethod } from './fixtures.ts';

// First in the file: the longest test (two checkouts) starts first instead of running alone at the
// end while the other worker idles.
test('a cart mixing two sellers is split: one order and one payment per seller, each on its own BIN', async ({
  storefront,
  phone,
  kaspi,
  customer,
}) => {
  const chosen = selectedSellers();
  const pair = (chosen.length >= 2 ? chosen : sellers).slice(0, 2);
  test.skip(pair.length < 2, 'needs two sellers');

  const picked = new Map<number, { seller: Seller; price: number }>();
  for (const seller of pair) {
    await storefront.openCatalogue();
    const [product] = await storefront.productsOf(seller);
    await storefront.addToCart(product!.id);
    picked.set(seller.shopId, { seller, price: product!.price });
  }
  await storefront.page.goto('/cart.php');
  for (const seller of pair)
    await expect(storefront.page.getByTestId(`cart-seller-${seller.shopId}`)).toBeVisible();
  await expect(storefront.page.getByTestId('cart-split-note')).toBeVisible();

  const orderIds = await storefront.checkout('qr', customer);
  expect(orderIds, 'one order per seller').toHaveLength(2);
  expect(new Set(orderIds).size).toBe(2);

  const paidBins: string[] = [];
  for (const orderId of orderIds) {
    const order = await storefront.orderPage(orderId);
    const expected = picked.get(await order.shopId());
    expect(expected, `order ${orderId} belongs to one of the two sellers`).toBeDefined();
    const { seller, price } = expected!;
    expect(await order.amount(), `${seller.name}'s order holds only ${seller.name}'s product`).toBe(price);
    await order.expectQrRendered();
    const created = await kaspi.purchase(await order.qrPaymentId());
    expect(created?.organizationBin, `${seller.name}'s purchase is created on ${seller.name}'s BIN`).toBe(
      seller.bin,
    );
    const paid = await phone.pay(order);
    await order.expectStatus('Paid');
    expect(paid.organizationBin, `${seller.name}'s share landed on ${seller.name}'s BIN`).toBe(seller.bin);
    expect(paid.amount).toBe(price);
    paidBins.push(paid.organizationBin);
  }
  expect(paidBins.sort()).toEqual(pair.map((seller) => seller.bin).sort());

  await storefront.page.goto('/cart.php');
  await expect(storefront.page.getByTestId('cart-empty'), 'the cart is empty after checkout').toBeVisible();
});

const methods: readonly PaymentMethod[] = ['qr', 'link'];

for (const seller of selectedSellers()) {
  test.describe(`${seller.name} (shop ${seller.shopId}, BIN ${seller.bin})`, () => {
    for (const [index, method] of methods.entries()) {
      test(`pays by ${method === 'qr' ? 'QR' : 'payment link'}: Paid on the order page, money on the seller's BIN`, async ({
        storefront,
        phone,
        kaspi,
        customer,
      }) => {
        const product = await test.step('catalogue → cart', async () => {
          await storefront.openCatalogue();
          const products = await storefront.productsOf(seller);
          // QR and link take different products where the seller has several.
          const chosen = products[index % products.length]!;
          await storefront.addToCart(chosen);
          await expect(storefront.page.getByTestId(`cart-item-${chosen.id}`)).toBeVisible();
          return chosen;
        });

        const order = await test.step(`checkout, paying by ${method}`, async () => {
          const [orderId, ...others] = await storefront.checkout(method, customer);
          expect(others, 'one seller, one order').toEqual([]);
          const page = await storefront.orderPage(orderId);
          await expect(page.status).toHaveText('Pending');
          expect(await page.shopId()).toBe(seller.shopId);
          expect(await page.amount()).toBe(product.price);
          if (method === 'qr') await page.expectQrRendered();
          else await page.expectPaymentLink();
          return page;
        });

        const qrPaymentId = await order.qrPaymentId();
        const paid = await test.step('the phone scans and confirms', async () => {
          const created = await kaspi.purchase(qrPaymentId);
          expect(created, `Kaspi knows purchase ${qrPaymentId}`).toBeDefined();
          expect(created!.kind).toBe(method);
          expect(created!.status).toBe('QrTokenCreated');
          expect(created!.amount).toBe(product.price);
          return phone.pay(order);
        });

        await test.step('the order page shows Paid', () => order.expectStatus('Paid'));

        expect(paid.organizationBin, "the money landed on the seller's BIN").toBe(seller.bin);
        expect(paid.deviceToken, "through the seller's own device").toBe(seller.deviceToken);
        expect(await order.organizationBin(), 'the order records the same BIN').toBe(seller.bin);
        expect((await kaspi.purchase(qrPaymentId))?.status).toBe('Processed');
      });
    }
  });
}

test('a remote invoice by phone: paid in the app, the page asks Kaspi only when the customer does', async ({
  storefront,
  phone,
  kaspi,
  customer,
}) => {
  const seller = selectedSellers()[0]!;
  await storefront.openCatalogue();
  const [product] = await storefront.productsOf(seller);
  await storefront.addToCart(product!.id);
  const [orderId] = await storefront.checkout('remote', customer);
  const order = await storefront.orderPage(orderId);
  await expect(order.status).toHaveText('Pending');
  await order.expectRemoteInvoice(customer.phone);
  const qrPaymentId = await order.qrPaymentId();
  const created = await kaspi.purchase(qrPaymentId);
  expect(created, "an invoice on the seller's BIN, to the customer's phone").toMatchObject({
    kind: 'remote',
    organizationBin: seller.bin,
    phoneNumber: customer.phone.slice(-10),
    amount: product!.price,
  });

  const asked = async () => (await kaspi.journal({ path: `payment/status/${qrPaymentId}` })).length;
  const before = await asked();
  await storefront.page.clock.runFor(60_000);
  expect(await asked(), 'a minute on the page: no status request on a timer').toBe(before);

  const paid = await phone.pay(order);
  await order.checkPayment();
  await expect(order.status).toHaveText('Paid');
  expect(await asked(), 'one status request, for the one press').toBe(before + 1);
  expect(paid.organizationBin, "the money landed on the seller's BIN").toBe(seller.bin);
});
