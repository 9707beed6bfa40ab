/**
 * The storefront checkout through the reference integration, against tiny recording fakes of Kaspi
 * and the payment-service: which BIN and device token reach Kaspi, fallback, config caching, refusals.
 */
import { existsSync, readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { useParts } from '../../platform/testing.ts';
import { assemble } from '../../platform/lifecycle.ts';
import { scratchDir } from '../../platform/run-dir.ts';
import type { CatalogueProduct } from '../../fixtures/catalogue.ts';
import { fallbackOrganization, sellerByShopId, sellers, type Seller } from '../../fixtures/organizations.ts';
import type { RowDataPacket } from 'mysql2/promise';
import { connectAsApp } from './seed.ts';
import { paymentConfigOf } from '../../fixtures/payment-configs.ts';
import { startFake, withStub, type FakeHandler, type RecordedRequest } from './test-support.ts';

type PaymentServiceMode = 'ok' | 'error500' | 'notFound' | 'inactive' | 'badJson';

let paymentServiceMode: PaymentServiceMode;
let kaspiStatusCode: number;
let nextPaymentId = 5_000_000;

const paymentServiceHandler: FakeHandler = (request) => {
  const url = new URL(request.url, 'http://fake');
  if (request.method === 'POST' && url.pathname === '/api/payment/log')
    return { status: 201, body: { id: 1, ...(request.body as object) } };
  if (request.method !== 'GET' || url.pathname !== '/api/payment/config')
    return { status: 404, body: { detail: 'Not Found' } };
  const seller = sellerByShopId(Number(url.searchParams.get('shop_id')));
  switch (paymentServiceMode) {
    case 'error500':
      return { status: 500, body: { detail: 'boom' } };
    case 'notFound':
      return { status: 404, body: { detail: 'Shop ID not found' } };
    case 'badJson':
      return { status: 200, body: '<html>gateway</html>' };
    default:
      if (!seller) return { status: 404, body: { detail: 'Shop ID not found' } };
      return {
        status: 200,
        body: { ...paymentConfigOf(seller), is_active: paymentServiceMode !== 'inactive' },
      };
  }
};

const kaspiHandler: FakeHandler = (request) => {
  if (kaspiStatusCode !== 0)
    return { status: 200, body: { StatusCode: kaspiStatusCode, Message: 'Device not found' } };
  nextPaymentId += 1;
  const expire = '2026-01-01T10:00:00+05:00';
  if (request.url === '/r3/v01/qr/create') {
    return {
      status: 200,
      body: {
        StatusCode: 0,
        Message: 'OK',
        Data: {
          QrToken: `https://qr.kaspi.kz/${nextPaymentId}`,
          ExpireDate: expire,
          QrPaymentId: nextPaymentId,
        },
      },
    };
  }
  if (request.url === '/r3/v01/qr/create-link') {
    return {
      status: 200,
      body: {
        StatusCode: 0,
        Message: 'OK',
        Data: {
          PaymentLink: `https://pay.kaspi.kz/pay/${nextPaymentId}`,
          ExpireDate: expire,
          PaymentId: nextPaymentId,
        },
      },
    };
  }
  return { status: 200, body: { StatusCode: -999 } };
};

const parts = useParts(
  withStub(
    assemble()
      .with('dir', () => scratchDir('kh-bitrix-checkout-'))
      .withAll({
        kaspi: () => startFake(kaspiHandler),
        paymentService: () => startFake(paymentServiceHandler),
      }),
    ({ kaspi, paymentService }) => ({
      kaspiUrl: kaspi.url,
      paymentServiceUrl: `${paymentService.url}/api`,
      seed: 11,
    }),
  ).value('products', async ({ stub }) => {
    const catalogue = await fetch(`${stub.url}/local/api/catalogue.php`);
    return ((await catalogue.json()) as { products: CatalogueProduct[] }).products;
  }),
);

beforeEach(async () => {
  paymentServiceMode = 'ok';
  kaspiStatusCode = 0;
  parts.kaspi.requests.length = 0;
  parts.paymentService.requests.length = 0;
  await parts.stub.clearCache();
});

const customer = { name: 'Aigerim Test', phone: '77001234567', email: 'aigerim@example.test' };
const productOf = (seller: Seller, index = 0): CatalogueProduct =>
  parts.products.filter((p) => p.shopId === seller.shopId)[index]!;
const configRequests = () =>
  parts.paymentService.requests.filter((r) => r.url.startsWith('/api/payment/config'));
const logRequests = () => parts.paymentService.requests.filter((r) => r.url === '/api/payment/log');
const kaspiBody = (request: RecordedRequest | undefined) => request?.body as Record<string, unknown>;
const guideLog = () =>
  existsSync(parts.stub.logFiles.kaspiPaymentServiceLog)
    ? readFileSync(parts.stub.logFiles.kaspiPaymentServiceLog, 'utf8')
    : '';

interface CheckoutAnswer {
  ok: boolean;
  order: { id: number; accountNumber: string; shopId: number; price: number };
  payment: {
    method: string;
    qrPaymentId: number;
    qrToken?: string;
    paymentLink?: string;
    expireDate: string;
    organizationBin: string;
  };
  error: { code: string; message: string };
}

async function checkout(
  body: unknown,
  path = '/local/api/checkout.php',
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${parts.stub.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as CheckoutAnswer };
}

async function order(id: number) {
  const response = await fetch(`${parts.stub.url}/local/api/order.php?id=${id}`);
  return (await response.json()) as {
    ok: boolean;
    order: { payed: string; price: number; accountNumber: string; properties: Record<string, string> };
  };
}

describe('checkout routes the money to the seller of the products', () => {
  it("sends the seller's BIN and device token from the payment-service config (QR)", async () => {
    const seller = sellers[1]!;
    const product = productOf(seller);
    const { status, json } = await checkout({
      items: [{ productId: product.id, quantity: 2 }],
      customer,
      paymentMethod: 'qr',
    });

    expect(status, JSON.stringify(json)).toBe(200);
    expect(parts.kaspi.requests).toHaveLength(1);
    const request = parts.kaspi.requests[0]!;
    expect(request.url).toBe('/r3/v01/qr/create');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-request-id']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(kaspiBody(request)).toEqual({
      Amount: product.price * 2,
      ExternalId: json.order.accountNumber,
      DeviceToken: seller.deviceToken,
      OrganizationBin: seller.bin,
    });
    expect(json.order).toMatchObject({ shopId: seller.shopId, price: product.price * 2 });
    expect(json.payment).toMatchObject({
      method: 'qr',
      organizationBin: seller.bin,
      qrPaymentId: nextPaymentId,
    });
    expect(json.payment.qrToken).toContain(String(nextPaymentId));

    const stored = await order(json.order.id);
    expect(stored.order).toMatchObject({
      payed: 'N',
      accountNumber: json.order.accountNumber,
      price: product.price * 2,
    });
    expect(stored.order.properties).toMatchObject({
      KASPI_PAYMENT_ID: String(nextPaymentId),
      KASPI_ORGANIZATION_BIN: seller.bin,
      SHOP_ID: String(seller.shopId),
      KASPI_PAYMENT_METHOD: 'qr',
    });

    expect(logRequests().map((r) => r.body)).toEqual([
      {
        shop_id: seller.shopId,
        organization_bin: seller.bin,
        operation_type: 'create',
        external_id: String(nextPaymentId),
        amount: product.price * 2 * 100,
        status: 'QrTokenCreated',
        provider: 'kaspi',
      },
    ]);
  });

  it('creates a payment link on qr/create-link for paymentMethod "link"', async () => {
    const seller = sellers[4]!;
    const { status, json } = await checkout({
      items: [{ productId: productOf(seller).id, quantity: 1 }],
      customer,
      paymentMethod: 'link',
    });
    expect(status, JSON.stringify(json)).toBe(200);
    expect(parts.kaspi.requests.map((r) => r.url)).toEqual(['/r3/v01/qr/create-link']);
    expect(kaspiBody(parts.kaspi.requests[0])).toMatchObject({
      OrganizationBin: seller.bin,
      DeviceToken: seller.deviceToken,
    });
    expect(json.payment).toMatchObject({
      method: 'link',
      qrPaymentId: nextPaymentId,
      organizationBin: seller.bin,
    });
    expect(json.payment.paymentLink).toBe(`https://pay.kaspi.kz/pay/${nextPaymentId}`);
    expect(logRequests()[0]?.body).toMatchObject({
      operation_type: 'create-link',
      external_id: String(nextPaymentId),
    });
  });

  it('ignores a shop id the browser sends', async () => {
    const seller = sellers[2]!;
    const other = sellers[3]!;
    const { status } = await checkout(
      {
        items: [{ productId: productOf(seller).id, quantity: 1 }],
        customer,
        paymentMethod: 'qr',
        shop_id: other.shopId,
      },
      `/local/api/checkout.php?shop_id=${other.shopId}`,
      { 'X-Shop-Id': String(other.shopId) },
    );
    expect(status).toBe(200);
    expect(kaspiBody(parts.kaspi.requests[0])).toMatchObject({ OrganizationBin: seller.bin });
    expect(configRequests().map((r) => r.url)).toEqual([`/api/payment/config?shop_id=${seller.shopId}`]);
  });
});

describe('config cache', () => {
  it('caches the config across requests until the cache is cleared', async () => {
    const seller = sellers[0]!;
    const body = { items: [{ productId: productOf(seller).id, quantity: 1 }], customer, paymentMethod: 'qr' };
    expect((await checkout(body)).status).toBe(200);
    expect((await checkout(body)).status).toBe(200);
    expect(configRequests()).toHaveLength(1);
    expect(parts.kaspi.requests.map((r) => kaspiBody(r).OrganizationBin)).toEqual([seller.bin, seller.bin]);

    await parts.stub.clearCache();
    expect((await checkout(body)).status).toBe(200);
    expect(configRequests()).toHaveLength(2);
  });
});

describe('fallback when the lookup fails', () => {
  it.each<PaymentServiceMode>(['error500', 'notFound', 'inactive', 'badJson'])(
    'payment-service %s: marketplace BIN and the option token, logged, not cached',
    async (mode) => {
      paymentServiceMode = mode;
      const seller = sellers[5]!;
      const logBefore = guideLog().length;
      const body = {
        items: [{ productId: productOf(seller).id, quantity: 1 }],
        customer,
        paymentMethod: 'qr',
      };
      const { status, json } = await checkout(body);

      expect(status, JSON.stringify(json)).toBe(200);
      expect(kaspiBody(parts.kaspi.requests[0])).toMatchObject({
        OrganizationBin: '891027350515',
        DeviceToken: fallbackOrganization.deviceToken,
      });
      expect(json.payment.organizationBin).toBe('891027350515');
      expect((await order(json.order.id)).order.properties.KASPI_ORGANIZATION_BIN).toBe('891027350515');

      const entry = guideLog().slice(logBefore);
      expect(entry).toContain('Payment-service lookup failed, using fallback BIN:');
      expect(entry).toContain(`[shop_id] => ${seller.shopId}`);
      expect(entry).toContain('[fallback_bin] => 891027350515');

      // Not cached: the next checkout asks again, and gets the seller's BIN once the service is back.
      paymentServiceMode = 'ok';
      expect((await checkout(body)).status).toBe(200);
      expect(configRequests()).toHaveLength(2);
      expect(kaspiBody(parts.kaspi.requests[1])).toMatchObject({ OrganizationBin: seller.bin });
    },
  );
});

describe('refusals', () => {
  it('refuses items of two sellers without calling anyone', async () => {
    const { status, json } = await checkout({
      items: [
        { productId: productOf(sellers[0]!).id, quantity: 1 },
        { productId: productOf(sellers[1]!).id, quantity: 1 },
      ],
      customer,
      paymentMethod: 'qr',
    });
    expect(status).toBe(422);
    expect(json).toMatchObject({ ok: false, error: { code: 'mixed_sellers' } });
    expect(parts.kaspi.requests).toHaveLength(0);
    expect(parts.paymentService.requests).toHaveLength(0);
  });

  it('answers 502 and leaves the order unpaid when Kaspi refuses', async () => {
    kaspiStatusCode = -1501;
    const { status, json } = await checkout({
      items: [{ productId: productOf(sellers[6]!).id, quantity: 1 }],
      customer,
      paymentMethod: 'qr',
    });
    expect(status).toBe(502);
    expect(json).toMatchObject({
      ok: false,
      error: { code: 'kaspi_error', message: expect.stringContaining('Kaspi StatusCode -1501') },
    });
    expect(logRequests()).toHaveLength(0);

    const connection = await connectAsApp(parts.mariadb);
    const [rows] = await connection
      .query<RowDataPacket[]>('SELECT MAX(ID) AS id FROM b_sale_order')
      .finally(() => connection.end());
    const stored = await order(Number(rows[0]!.id));
    expect(stored.order.payed).toBe('N');
    expect(stored.order.properties.SHOP_ID).toBe(String(sellers[6]!.shopId));
    expect(stored.order.properties).not.toHaveProperty('KASPI_PAYMENT_ID');
  });

  it('rejects unknown products and invalid bodies with JSON 4xx', async () => {
    const cases: [unknown, number, string][] = [
      [
        { items: [{ productId: 999_999, quantity: 1 }], customer, paymentMethod: 'qr' },
        422,
        'unknown_product',
      ],
      [{ items: [], customer, paymentMethod: 'qr' }, 400, 'invalid_items'],
      [
        { items: [{ productId: parts.products[0]!.id, quantity: 0 }], customer, paymentMethod: 'qr' },
        400,
        'invalid_items',
      ],
      [
        { items: [{ productId: parts.products[0]!.id, quantity: 1 }], customer: {}, paymentMethod: 'qr' },
        400,
        'invalid_customer',
      ],
      [
        { items: [{ productId: parts.products[0]!.id, quantity: 1 }], customer, paymentMethod: 'cash' },
        400,
        'invalid_payment_method',
      ],
      [[1, 2], 400, 'invalid_json'],
    ];
    for (const [body, expectedStatus, code] of cases) {
      const { status, json } = await checkout(body);
      expect({ status, code: json.error?.code }, JSON.stringify(body)).toEqual({
        status: expectedStatus,
        code,
      });
    }
    expect(parts.kaspi.requests).toHaveLength(0);
  });
});
