/**
 * The storefront pages as a person (or Playwright) uses them, over plain HTTP with a cookie jar:
 * catalogue, a cart mixing two sellers, checkout (one order per seller, each on its seller's BIN),
 * the order page with the QR token or payment link, and the status poll that makes the order in
 * MySQL follow Kaspi — Paid (and the CRM webhook, once, through the egress proxy), Failed, Expired.
 */
import type { RowDataPacket } from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { useParts } from '../../platform/testing.ts';
import { assemble } from '../../platform/lifecycle.ts';
import { scratchDir } from '../../platform/run-dir.ts';
import { sellerByShopId } from '../../fixtures/organizations.ts';
import { startEgressProxy, startWebhookSink } from '../../platform/egress/index.ts';
import { createCertificateAuthority } from '../../platform/tls/ca.ts';
import { connectAsApp } from './seed.ts';
import {
  fixturesPaymentService,
  startFake,
  withStub,
  writeCaCertFile,
  type FakeHandler,
} from './test-support.ts';

const statuses = new Map<string, string>();
let nextId = 9_100;
let cookie = '';

async function page(
  path: string,
  form?: Record<string, string>,
): Promise<{ status: number; html: string; location: string | null }> {
  const response = await fetch(`${parts.stub.url}${path}`, {
    method: form ? 'POST' : 'GET',
    redirect: 'manual',
    headers: { cookie, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
  // Like a browser: the last Set-Cookie for the cart wins.
  const setCookie = response.headers.getSetCookie().at(-1);
  if (setCookie) cookie = setCookie.split(';')[0]!;
  return { status: response.status, html: await response.text(), location: response.headers.get('location') };
}

const attr = (html: string, testid: string, name: string): string | undefined =>
  new RegExp(`data-testid="${testid}"[^>]*?${name}="([^"]*)"|${name}="([^"]*)"[^>]*?data-testid="${testid}"`)
    .exec(html)
    ?.slice(1)
    .find(Boolean);

async function orderRow(id: number): Promise<{ PAYED: string; STATUS_ID: string; SUM_PAID: string }> {
  const connection = await connectAsApp(parts.mariadb);
  try {
    const [rows] = await connection.query<RowDataPacket[]>(
      'SELECT PAYED, STATUS_ID, SUM_PAID FROM b_sale_order WHERE ID = ?',
      [id],
    );
    return rows[0] as { PAYED: string; STATUS_ID: string; SUM_PAID: string };
  } finally {
    await connection.end();
  }
}

const pollStatus = async (id: number) =>
  (
    (await (await fetch(`${parts.stub.url}/local/api/order-status.php?id=${id}`)).json()) as {
      order: Record<string, unknown>;
    }
  ).order;

const kaspiHandler: FakeHandler = (request) => {
  const body = request.body as { Amount?: number } | undefined;
  const status = /\/payment\/status\/(\d+)$/.exec(request.url);
  if (status)
    return {
      status: 200,
      body: { StatusCode: 0, Data: { Status: statuses.get(status[1]!) ?? 'QrTokenCreated' } },
    };
  const id = String(nextId++);
  statuses.set(id, 'QrTokenCreated');
  const behavior = { StatusPollingInterval: 2, QrCodeScanWaitTimeout: 180, PaymentConfirmationTimeout: 65 };
  return request.url.endsWith('/qr/create-link')
    ? {
        status: 200,
        body: {
          StatusCode: 0,
          Data: {
            PaymentLink: `https://pay.kaspi.kz/pay/${id}`,
            PaymentId: Number(id),
            ExpireDate: '2030-01-01T00:00:00+06',
            PaymentBehaviorOptions: behavior,
            amount: body?.Amount,
          },
        },
      }
    : {
        status: 200,
        body: {
          StatusCode: 0,
          Data: {
            QrToken: `https://qr.kaspi.kz/${id}`,
            QrPaymentId: Number(id),
            ExpireDate: '2030-01-01T00:00:00+06',
            QrPaymentBehaviorOptions: behavior,
          },
        },
      };
};

const parts = useParts(
  withStub(
    assemble()
      .with('dir', () => scratchDir('kh-storefront-'))
      .value('ca', () => createCertificateAuthority())
      .value('caCertFile', ({ dir, ca }) => writeCaCertFile(dir.path, ca))
      .with('kaspi', () => startFake(kaspiHandler))
      .with('paymentService', fixturesPaymentService)
      .with('sink', () => startWebhookSink())
      .with('egress', ({ ca, sink }) =>
        startEgressProxy({ ca, routes: [{ match: 'crm.cvety.kz', target: sink.target }] }),
      ),
    ({ caCertFile, kaspi, paymentService, egress }) => ({
      seed: 11,
      kaspiUrl: kaspi.url,
      paymentServiceUrl: `${paymentService.url}/api`,
      webhookUrl: 'https://crm.cvety.kz/hooks/kaspi',
      // The proxy object, not only its URL: in PHP's network namespace it then still names the request.
      egressProxy: egress,
      caCertFile,
      productionLayout: 'auto',
    }),
  )
    // The proxy then names the PHP code behind each request it refuses.
    .value('egressNamesClients', ({ egress, stub }) => egress.setClientDescriber(stub.describeEgressClient)),
);

describe('storefront', () => {
  let orderIds: number[] = [];

  it("shows every seller's products and serves the QR encoder itself", async () => {
    const { html } = await page('/index.php');
    expect(html.match(/data-testid="seller-\d+"/g)).toHaveLength(7);
    expect((await fetch(`${parts.stub.url}/local/js/qrcode.js`)).status).toBe(200);
  });

  it('a cart mixing two sellers checks out as one order per seller, each on its own BIN', async () => {
    const { html } = await page('/index.php');
    const eileen = /data-testid="product-(\d+)" data-shop-id="121038"/.exec(html)![1]!;
    const vlvt = /data-testid="product-(\d+)" data-shop-id="576631"/.exec(html)![1]!;
    expect((await page('/cart.php', { action: 'add', product_id: eileen })).status).toBe(303);
    await page('/cart.php', { action: 'add', product_id: vlvt });
    const cart = await page('/cart.php');
    expect(cart.html).toContain('data-testid="cart-seller-121038"');
    expect(cart.html).toContain('data-testid="cart-seller-576631"');

    const placed = await page('/checkout.php', {
      name: 'Aru',
      phone: '+77010000000',
      email: '',
      paymentMethod: 'qr',
    });
    orderIds = [...placed.html.matchAll(/data-testid="order-link-(\d+)"/g)].map((m) => Number(m[1]));
    expect(orderIds).toHaveLength(2);
    const bins = await Promise.all(
      orderIds.map(
        async (id) =>
          /data-testid="organization-bin">(\d+)</.exec((await page(`/order.php?id=${id}`)).html)?.[1],
      ),
    );
    expect(bins.sort()).toEqual([sellerByShopId(121038)!.bin, sellerByShopId(576631)!.bin].sort());
    expect((await page('/cart.php')).html).toContain('data-testid="cart-empty"');
  });

  it('the order page shows the QR token and polls; Processed makes the order paid and sends the webhook once', async () => {
    const id = orderIds[0]!;
    const before = await page(`/order.php?id=${id}`);
    const qrPaymentId = /data-testid="kaspi-payment-id">(\d+)</.exec(before.html)![1]!;
    expect(attr(before.html, 'qr-image', 'data-qr-token')).toBe(`https://qr.kaspi.kz/${qrPaymentId}`);
    expect(attr(before.html, 'order-status', 'data-polling-interval')).toBe('2');
    expect(/data-testid="order-status"[^>]*>Pending</.test(before.html)).toBe(true);

    statuses.set(qrPaymentId, 'Wait');
    expect(await pollStatus(id)).toMatchObject({ display: 'Pending', kaspiStatus: 'Wait', final: false });
    statuses.set(qrPaymentId, 'Processed');
    expect(await pollStatus(id)).toMatchObject({
      display: 'Paid',
      payed: 'Y',
      statusId: 'P',
      final: true,
      webhook: 'HTTP 200',
    });
    expect(await pollStatus(id)).toMatchObject({ display: 'Paid' });
    expect(await orderRow(id)).toMatchObject({ PAYED: 'Y', STATUS_ID: 'P' });
    expect(parts.sink.received()).toHaveLength(1);
    expect(parts.sink.received()[0]).toMatchObject({
      host: 'crm.cvety.kz',
      path: '/hooks/kaspi',
      body: {
        event: 'payment.processed',
        orderId: id,
        qrPaymentId,
        organizationBin: expect.stringMatching(/^\d{12}$/),
      },
    });
    expect(/data-testid="order-status"[^>]*>Paid</.test((await page(`/order.php?id=${id}`)).html)).toBe(true);
    expect(parts.egress.unexpected()).toEqual([]);
  });

  it('Error at Kaspi fails the order; a token never scanned in time expires it', async () => {
    const failed = orderIds[1]!;
    const qrPaymentId = /data-testid="kaspi-payment-id">(\d+)</.exec(
      (await page(`/order.php?id=${failed}`)).html,
    )![1]!;
    statuses.set(qrPaymentId, 'Error');
    expect(await pollStatus(failed)).toMatchObject({ display: 'Failed', statusId: 'F', payed: 'N' });

    const { html } = await page('/index.php');
    await page('/cart.php', { action: 'add', product_id: /data-testid="product-(\d+)"/.exec(html)![1]! });
    const placed = await page('/checkout.php', {
      name: 'Aru',
      phone: '+77010000000',
      email: '',
      paymentMethod: 'link',
    });
    const id = Number(/id=(\d+)/.exec(placed.location ?? '')![1]);
    expect(attr((await page(`/order.php?id=${id}`)).html, 'payment-link', 'href')).toMatch(
      /^https:\/\/pay\.kaspi\.kz\/pay\/\d+$/,
    );
    const connection = await connectAsApp(parts.mariadb);
    await connection.query(
      "UPDATE b_sale_order_props_value SET VALUE = UNIX_TIMESTAMP() - 181 WHERE ORDER_ID = ? AND CODE = 'KASPI_CREATED_AT'",
      [id],
    );
    await connection.end();
    expect(await pollStatus(id)).toMatchObject({ display: 'Expired', statusId: 'E', final: true });
    expect(await orderRow(id)).toMatchObject({ PAYED: 'N', STATUS_ID: 'E' });
  });

  it('a webhook to a host nobody routed is unexpected egress, named with the request that sent it', async () => {
    const connection = await connectAsApp(parts.mariadb);
    await connection.query(
      "UPDATE b_option SET VALUE = 'https://hooks.unknown-crm.example/kaspi' WHERE MODULE_ID = 'onelab.kaspipay' AND NAME = 'webhook_url'",
    );
    await connection.end();
    await parts.stub.clearCache();
    parts.egress.setScenario('webhook to an unlisted host');
    const { html } = await page('/index.php');
    await page('/cart.php', { action: 'add', product_id: /data-testid="product-(\d+)"/.exec(html)![1]! });
    const placed = await page('/checkout.php', {
      name: 'Aru',
      phone: '+77010000000',
      email: '',
      paymentMethod: 'qr',
    });
    const id = Number(/id=(\d+)/.exec(placed.location ?? '')![1]);
    const qrPaymentId = /data-testid="kaspi-payment-id">(\d+)</.exec(
      (await page(`/order.php?id=${id}`)).html,
    )![1]!;
    statuses.set(qrPaymentId, 'Processed');
    expect(await pollStatus(id)).toMatchObject({
      display: 'Paid',
      webhook: expect.stringMatching(/^error: /),
    });
    expect(parts.egress.unexpected({ scenario: 'webhook to an unlisted host' })).toMatchObject([
      {
        host: 'hooks.unknown-crm.example',
        port: 443,
        method: 'SOCKS',
        codePath: `php -S: GET /local/api/order-status.php?id=${id}`,
      },
    ]);
  });
});
