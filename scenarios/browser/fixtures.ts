/**
 * Playwright fixtures for the browser scenarios, composing like Playwright Test's own:
 *   stack       the StackInfo the global setup booted (worker-scoped; also the pages' baseURL)
 *   kaspi       the Kaspi simulator's control client (worker-scoped)
 *   phone       the customer's Kaspi app: scans the QR / opens the link, then confirms
 *   customer    a seeded test customer (the same test, the same person)
 *   storefront  the page object: catalogue → cart → checkout → order page
 *   shopperPage the worker's one page (and context) that the storefront drives
 * The page's clock is Playwright's: the order page's own status polling runs, and a test moves its
 * timers on by one polling interval instead of sleeping through it.
 */
import { readFileSync } from 'node:fs';
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { seededFaker, testCustomer, type TestCustomer } from '../../fixtures/customers.ts';
import { sellersNamed, type Seller } from '../../fixtures/organizations.ts';
import { KaspiControlClient } from '../../simulator/kaspi/control-client.ts';
import type { Purchase } from '../../simulator/kaspi/types.ts';
import { runSettings } from '../../stack/run-settings.ts';
import type { StackInfo } from '../../stack/stack.ts';
import { failIfStackDied, stackFailureAfter } from '../support/stack-failure.ts';

export { expect };

/** A QR, a payment link, or a remote invoice to the customer's phone number. */
export type PaymentMethod = 'qr' | 'link' | 'remote';

export interface CatalogueProduct {
  id: number;
  shopId: number;
  name: string;
  /** Whole tenge, as the page shows it. */
  price: number;
}

/** The sellers this run covers: all of the fixtures, or those named by `--seller`. */
export const selectedSellers = (): readonly Seller[] => sellersNamed(runSettings().sellers);

/** "12 500 ₸" → 12500 */
function tenge(text: string | null): number {
  return Number((text ?? '').replace(/[^\d]/g, ''));
}

/** The stack the global setup provided: it names its StackInfo file in the workers' run settings. */
function readStackInfo(): StackInfo {
  const { stack } = runSettings();
  if (stack.provider !== 'external')
    throw new Error(
      'no stack was provided: run the browser scenarios with `npx playwright test` (its global setup boots the stack)',
    );
  return JSON.parse(readFileSync(stack.file, 'utf8')) as StackInfo;
}

export class OrderPage {
  readonly status: Locator;
  readonly qrImage: Locator;
  readonly paymentLink: Locator;

  constructor(readonly page: Page) {
    this.status = page.getByTestId('order-status');
    this.qrImage = page.getByTestId('qr-image').locator('svg, canvas, img').first();
    this.paymentLink = page.getByTestId('payment-link');
  }

  async id(): Promise<number> {
    return Number(await this.status.getAttribute('data-order-id'));
  }

  /** The Kaspi purchase the page shows (QrPaymentId), as the phone reads it from the QR or link. */
  async qrPaymentId(): Promise<number> {
    const text = (await this.page.getByTestId('kaspi-payment-id').textContent())?.trim() ?? '';
    expect(text, 'the order page names its Kaspi purchase').toMatch(/^\d+$/);
    return Number(text);
  }

  async organizationBin(): Promise<string> {
    return (await this.page.getByTestId('organization-bin').textContent())?.trim() ?? '';
  }

  async shopId(): Promise<number> {
    return Number(await this.page.getByTestId('order-seller').getAttribute('data-shop-id'));
  }

  async amount(): Promise<number> {
    return tenge(await this.page.getByTestId('order-amount').textContent());
  }

  /** The QR is drawn in the browser (qrcode.js) from the token: it must have a size on screen. */
  async expectQrRendered(): Promise<void> {
    await expect(this.qrImage, 'the QR image is drawn').toBeVisible();
    const box = await this.qrImage.boundingBox();
    expect(box?.width ?? 0, 'QR width').toBeGreaterThan(50);
    expect(box?.height ?? 0, 'QR height').toBeGreaterThan(50);
    await expect(this.page.getByTestId('qr-image')).toHaveAttribute('data-qr-token', /\S/);
  }

  /** A remote invoice: the page names the phone it went to and offers "check payment", nothing else. */
  async expectRemoteInvoice(phone: string): Promise<void> {
    await expect(this.page.getByTestId('remote-invoice')).toContainText(phone);
    await expect(this.page.getByTestId('check-payment')).toBeVisible();
    await expect(this.status).toHaveAttribute('data-check', 'on-request');
  }

  /** The customer presses "check payment": the page asks once and shows what it learned. */
  async checkPayment(): Promise<void> {
    await this.page.getByTestId('check-payment').click();
    await expect(this.status).toHaveAttribute('data-final', 'true');
  }

  async expectPaymentLink(): Promise<string> {
    await expect(this.paymentLink, 'the payment link is shown').toBeVisible();
    const href = (await this.paymentLink.getAttribute('href')) ?? '';
    expect(href).toMatch(/^https:\/\/pay\.kaspi\.kz\/pay\/\d+$/);
    return href;
  }

  /**
   * Waits for the page's own polling to show `display`, at most `polls` polling intervals of the
   * page's time (the interval Kaspi gave, data-polling-interval). A run a person watches (headed,
   * see stack/run-settings.ts) waits them out; otherwise the page's timers are moved on one interval
   * at a time.
   */
  async expectStatus(display: 'Paid' | 'Failed' | 'Expired', { polls = 3 } = {}): Promise<void> {
    const interval = Number(await this.status.getAttribute('data-polling-interval')) || 5;
    const realClock = runSettings().headed === true;
    for (let poll = 1; poll <= polls; poll++) {
      if (!realClock) await this.page.clock.runFor(interval * 1000);
      const final = await expect(this.status)
        .toHaveAttribute('data-final', 'true', { timeout: realClock ? interval * 1000 + 2_000 : 5_000 })
        .then(() => true)
        .catch(() => false);
      if (final) break;
    }
    await expect(this.status, `the order page shows ${display} within ${polls} polls`).toHaveText(display, {
      timeout: 1_000,
    });
  }
}

export class Storefront {
  constructor(readonly page: Page) {}

  async openCatalogue(): Promise<void> {
    await this.page.goto('/index.php');
    await expect(this.page.getByRole('heading', { level: 1 })).toHaveText('Каталог');
  }

  /** The seller's products as the catalogue shows them (the catalogue must be open). */
  async productsOf(seller: Pick<Seller, 'shopId' | 'name'>): Promise<CatalogueProduct[]> {
    const section = this.page.getByTestId(`seller-${seller.shopId}`);
    await expect(section, `the catalogue has a section for ${seller.name}`).toBeVisible();
    // One round trip for the whole section, not four per product.
    const rows = await section.locator('.product').evaluateAll((elements) =>
      elements.map((element) => ({
        testId: element.getAttribute('data-testid') ?? '',
        shopId: element.getAttribute('data-shop-id') ?? '',
        name: element.querySelector('[data-testid="product-name"]')?.textContent ?? '',
        price: element.querySelector('[data-testid="product-price"]')?.textContent ?? '',
      })),
    );
    const products = rows.map((row) => ({
      id: Number(row.testId.replace('product-', '')),
      shopId: Number(row.shopId),
      name: row.name.trim(),
      price: tenge(row.price),
    }));
    expect(products.length, `${seller.name} has products in the catalogue`).toBeGreaterThan(0);
    return products;
  }

  /** "В корзину" on the product (by id, or by its exact name) in the open catalogue; lands on the cart. */
  async addToCart(product: number | string | CatalogueProduct): Promise<void> {
    const button =
      typeof product === 'string'
        ? this.page
            .locator('.product')
            .filter({ has: this.page.getByTestId('product-name').getByText(product, { exact: true }) })
            .getByRole('button')
        : this.page.getByTestId(`add-to-cart-${typeof product === 'number' ? product : product.id}`);
    await button.click();
    await expect(this.page).toHaveURL(/\/cart\.php$/);
    await expect(this.page.getByTestId('cart-total')).toBeVisible();
  }

  /**
   * From the cart: "Оформить заказ", the customer's details, the payment method, "Оплатить".
   * Returns the ids of the orders placed: one, and the browser is on its page; or one per seller
   * of a mixed cart, listed on the checkout page.
   */
  async checkout(method: PaymentMethod, customer: TestCustomer): Promise<number[]> {
    if (!this.page.url().endsWith('/cart.php')) await this.page.goto('/cart.php');
    await this.page.getByTestId('go-to-checkout').click();
    await expect(this.page.getByTestId('checkout-form')).toBeVisible();
    await this.page.getByTestId('checkout-name').fill(customer.name);
    await this.page.getByTestId('checkout-phone').fill(customer.phone);
    await this.page.getByTestId('checkout-email').fill(customer.email);
    await this.page.getByTestId(`pay-${method}`).check();
    await this.page.getByTestId('place-order').click();
    await expect(this.page).toHaveURL(/\/(order|checkout)\.php/);
    await expect(this.page.getByTestId('checkout-error'), 'the checkout reports no error').toHaveCount(0);
    const single = /\/order\.php\?id=(\d+)/.exec(this.page.url());
    if (single) return [Number(single[1])];
    const links = this.page.getByTestId('placed-orders').locator('a');
    await expect(links.first()).toBeVisible();
    const ids: number[] = [];
    for (const link of await links.all()) {
      ids.push(Number(/id=(\d+)/.exec((await link.getAttribute('href')) ?? '')?.[1]));
    }
    return ids;
  }

  /** The order page: the one the browser is on, or order `id` opened (by its link when listed). */
  async orderPage(id?: number): Promise<OrderPage> {
    if (id !== undefined && !this.page.url().endsWith(`/order.php?id=${id}`)) {
      await this.page.goto(`/order.php?id=${id}`);
    }
    const order = new OrderPage(this.page);
    await expect(order.status).toBeVisible();
    return order;
  }
}

/** The customer's Kaspi app, played through the simulator's control API. */
export class Phone {
  constructor(private readonly kaspi: KaspiControlClient) {}

  /** Scanning the QR, or opening the payment link: the purchase goes to Wait. */
  async scan(qrPaymentId: number): Promise<Purchase> {
    return this.kaspi.emulate(qrPaymentId, 'scan');
  }

  /** Confirming in the app: the purchase is Processed and the money is on its organization's BIN. */
  async confirm(qrPaymentId: number): Promise<Purchase> {
    return this.kaspi.emulate(qrPaymentId, 'confirm');
  }

  /** Scans what the order page shows and confirms. */
  async pay(order: OrderPage): Promise<Purchase> {
    const id = await order.qrPaymentId();
    expect((await this.scan(id)).status).toBe('Wait');
    const paid = await this.confirm(id);
    expect(paid.status).toBe('Processed');
    return paid;
  }
}

function hash(text: string): number {
  let value = 0;
  for (const char of text) value = (Math.imul(value, 31) + char.charCodeAt(0)) | 0;
  return Math.abs(value);
}

export const test = base.extend<
  { phone: Phone; customer: TestCustomer; storefront: Storefront; stackAlive: void },
  { stack: StackInfo; kaspi: KaspiControlClient; shopperPage: Page }
>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a function destructures
  stack: [async ({}, use) => use(readStackInfo()), { scope: 'worker' }],
  /** A dead stack service fails the test by name, as in the vitest scenarios (support/stack-failure.ts). */
  stackAlive: [
    async ({ stack }, use, testInfo) => {
      failIfStackDied(stack.healthFile);
      await use();
      if (testInfo.status === testInfo.expectedStatus) return;
      const failure = await stackFailureAfter(stack.healthFile);
      if (failure) throw new Error(failure);
    },
    { auto: true },
  ],
  kaspi: [async ({ stack }, use) => use(new KaspiControlClient(stack.kaspi.controlUrl)), { scope: 'worker' }],
  baseURL: async ({ stack }, use) => use(stack.bitrix.url),
  /**
   * One browser context and page per worker, not per test: a new context costs Chromium a renderer
   * process each time, a large share of each test's CPU on two cores. Each test still starts as a
   * new customer (the storefront fixture clears the cookies that hold the cart), and Playwright
   * screenshots a failure on every open page, this one included (and records a trace chunk when it
   * retries the failed test). A failed test ends its worker, so the next test gets a fresh context.
   */
  shopperPage: [
    async ({ browser, stack }, use, workerInfo) => {
      const options = workerInfo.project.use;
      const context = await browser.newContext({ baseURL: stack.bitrix.url, locale: options.locale });
      context.setDefaultTimeout(options.actionTimeout ?? 0);
      context.setDefaultNavigationTimeout(options.navigationTimeout ?? 0);
      const page = await context.newPage();
      // Playwright's clock, installed before the first page: the order page's timers become movable.
      await page.clock.install();
      await use(page);
      await context.close();
    },
    { scope: 'worker' },
  ],
  phone: async ({ kaspi }, use) => use(new Phone(kaspi)),
  customer: async ({ stack }, use, testInfo) =>
    use(testCustomer(seededFaker(stack.seed + hash(testInfo.titlePath.join(' › '))))),
  storefront: async ({ shopperPage }, use) => {
    // A new customer: no cart, no session from the worker's previous test.
    await shopperPage.context().clearCookies();
    await use(new Storefront(shopperPage));
  },
});
