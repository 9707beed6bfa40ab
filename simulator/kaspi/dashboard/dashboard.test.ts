/**
 * The dashboard as a person sees it, in real Chromium (Debian's, driven by playwright-core): after a
 * purchase is created over the Kaspi API, the organization's BIN box shows it with its status, the
 * status follows the lifecycle, and the journal shows the request.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../stack/chromium.ts';
import { KaspiControlClient } from '../control-client.ts';
import { startKaspiSimulator, type KaspiSimulator } from '../server.ts';
import { data, post, sellerAt } from '../test-helpers.ts';

const org = sellerAt(0);
const other = sellerAt(1);

let sim: KaspiSimulator;
let browser: Browser;

beforeAll(async () => {
  sim = await startKaspiSimulator({ tls: false });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await sim?.close();
});

describe('dashboard', () => {
  it(
    'shows each BIN with its purchases and statuses, and the journal, live',
    { timeout: 60_000 },
    async () => {
      const page = await browser.newPage();
      const external: string[] = [];
      page.on('request', (req) => {
        if (!req.url().startsWith(sim.controlUrl)) external.push(req.url());
      });
      await page.goto(`${sim.controlUrl}/dashboard`);
      await expect.poll(() => page.locator(`section[data-bin="${org.bin}"]`).count()).toBe(1);
      await expect
        .poll(() => page.locator(`section[data-bin="${org.bin}"]`).innerText())
        .toContain('no purchases');

      const created = await post(`${sim.url}/r3/v01/qr/create`, {
        DeviceToken: org.deviceToken,
        Amount: 1234.5,
        ExternalId: 'order-<b>7</b>',
        OrganizationBin: org.bin,
      });
      const id = String(data(created).QrPaymentId);

      const row = page.locator(`section[data-bin="${org.bin}"] tr[data-qr-payment-id="${id}"]`);
      await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
      expect(await row.innerText()).toContain('QrTokenCreated');
      expect(await row.innerText()).toContain('1234.5');
      // The external id is shown as text, not interpreted as markup.
      expect(await row.innerText()).toContain('order-<b>7</b>');
      expect(
        await page.locator(`section[data-bin="${other.bin}"] tr[data-qr-payment-id="${id}"]`).count(),
      ).toBe(0);

      const control = new KaspiControlClient(sim.controlUrl);
      await control.emulate(Number(id), 'scan');
      await control.emulate(Number(id), 'confirm');
      await expect.poll(() => row.getAttribute('data-status'), { timeout: 10_000 }).toBe('Processed');

      const journalRow = page.locator('table[data-testid="journal"] tr[data-path="/r3/v01/qr/create"]');
      await expect.poll(() => journalRow.count(), { timeout: 10_000 }).toBe(1);
      const journalText = await journalRow.innerText();
      expect(journalText).toContain('POST');
      expect(journalText).toContain(org.bin);
      expect(external).toEqual([]);
      await page.close();
    },
  );
});
