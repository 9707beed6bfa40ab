/**
 * The customer's side: read the catalogue and check out through the Bitrix stub's own endpoints,
 * exactly as the storefront does.
 */
import type { Faker } from '@faker-js/faker';
import { testCustomer } from '../../fixtures/customers.ts';
import type { Seller } from '../../fixtures/organizations.ts';

export interface Product {
  id: number;
  shopId: number;
  name: string;
  price: number;
}

/** A QR, a payment link, or a remote invoice to the customer's phone. */
export type PaymentMethod = 'qr' | 'link' | 'remote';

/** How the site calls the team's class: with the seller's shop id, or from an order context without one. */
export type CallShape = 'with-shop-id' | 'order-context';

export interface CheckoutSuccess {
  ok: true;
  order: { id: number; accountNumber: string; shopId: number; price: number };
  payment: {
    method: PaymentMethod;
    qrPaymentId: number;
    qrToken?: string;
    paymentLink?: string;
    /** Remote invoices: the customer's name as Kaspi knows the phone number. */
    clientName?: string;
    expireDate: string;
    organizationBin: string;
  };
}

export interface CheckoutFailure {
  ok: false;
  error: { code: string; message: string };
  /** The order the failed payment was for, when it had been placed. */
  order?: { id: number; accountNumber: string; shopId: number };
}

export interface CheckoutAttempt {
  startedAt: Date;
  httpStatus: number;
  body: CheckoutSuccess | CheckoutFailure;
  elapsedMs: number;
}

export async function fetchCatalogue(bitrixUrl: string): Promise<Product[]> {
  const response = await fetch(`${bitrixUrl}/local/api/catalogue.php`);
  if (!response.ok) throw new Error(`catalogue answered HTTP ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { products: Product[] };
  return body.products;
}

/** One to two of the seller's products, in seeded quantities. */
export function basketFor(seller: Seller, catalogue: readonly Product[], faker: Faker) {
  const own = catalogue.filter((product) => product.shopId === seller.shopId);
  if (own.length === 0)
    throw new Error(`the catalogue has no products of ${seller.name} (shop ${seller.shopId})`);
  const picked = faker.helpers.arrayElements(own, { min: 1, max: Math.min(2, own.length) });
  return picked.map((product) => ({ productId: product.id, quantity: faker.number.int({ min: 1, max: 3 }) }));
}

/** One of the shop's products, once, paid by QR: the smallest checkout that shows where money goes. */
export async function checkoutOneProduct(
  bitrixUrl: string,
  shopId: number,
  faker: Faker,
): Promise<CheckoutAttempt> {
  const product = (await fetchCatalogue(bitrixUrl)).find((p) => p.shopId === shopId);
  if (!product) throw new Error(`the catalogue has no products of shop ${shopId}`);
  return checkout(bitrixUrl, { items: [{ productId: product.id, quantity: 1 }], paymentMethod: 'qr', faker });
}

export async function checkout(
  bitrixUrl: string,
  request: {
    items: { productId: number; quantity: number }[];
    paymentMethod: PaymentMethod;
    faker: Faker;
    /** Default: with the seller's shop id. */
    callShape?: CallShape;
    /** Extra top-level fields the customer's browser adds to the JSON body (`shop_id`, say). */
    bodyExtra?: Record<string, unknown>;
  },
  extra: { headers?: Record<string, string>; query?: string } = {},
): Promise<CheckoutAttempt> {
  const startedAt = new Date();
  const started = performance.now();
  const response = await fetch(`${bitrixUrl}/local/api/checkout.php${extra.query ?? ''}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...extra.headers },
    body: JSON.stringify({
      items: request.items,
      customer: testCustomer(request.faker),
      paymentMethod: request.paymentMethod,
      ...(request.callShape ? { callShape: request.callShape } : {}),
      ...request.bodyExtra,
    }),
  });
  const text = await response.text();
  const elapsedMs = Math.round(performance.now() - started);
  let body: CheckoutSuccess | CheckoutFailure;
  try {
    body = JSON.parse(text) as CheckoutSuccess | CheckoutFailure;
  } catch {
    body = {
      ok: false,
      error: { code: 'not_json', message: `HTTP ${response.status}: ${text.slice(0, 300)}` },
    };
  }
  return { startedAt, httpStatus: response.status, body, elapsedMs };
}
