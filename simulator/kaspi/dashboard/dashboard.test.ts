/**
 * The dashboard as a person sees it, in real Chromium (Debian's, driven by playwright-core): after a
 * purchase is created over the Kaspi API, the organization's BIN box shows it with its status, the
 * status follows the lifecycle, and the journal shows the request. Every BIN carries its
 * organization's name, the marketplace's fallback BIN is marked, and the page acts as the customer's
 * phone, with Kaspi's own status API as the judge. And what a page of another origin open in the same
 * browser can do to the control API behind it: nothing (platform/control-guard.ts).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useParts } from '../../../platform/testing.ts';
import { assemble } from '../../../platform/lifecycle.ts';
import {
  fallbackOrganization,
  organizationByBin,
  sellers,
  type Organization,
} from '../../../fixtures/organizations.ts';
import { startChromium } from '../../../platform/chromium.ts';
import { listenHttp } from '../../../platform/http-server.ts';
import { KaspiControlClient } from '../control-client.ts';
import { startKaspiSimulator } from '../server.ts';
import { call, data, post, sellerAt } from '../test-helpers.ts';

const org = sellerAt(0);
const other = sellerAt(1);

/** What the attacker's page tries on the control API, every way a page can send a write unasked. */
const attackPage = (controlUrl: string, purchaseId: string) => `<!doctype html><title>another origin</title>
<form id="form" method="POST" action="${controlUrl}/control/reset" enctype="text/plain" target="sink">
  <input name='{"x":"' value='"}'>
</form><iframe name="sink"></iframe>
<script>
  const attempts = [
    fetch('${controlUrl}/control/faults', { method: 'POST', mode: 'no-cors',
      body: JSON.stringify({ fault: { kind: 'reset' } }) }),
    fetch('${controlUrl}/control/reset', { method: 'POST', mode: 'no-cors' }),
    fetch('${controlUrl}/control/purchases/${purchaseId}/scan', { method: 'POST', mode: 'no-cors',
      body: '{}' }),
    fetch('${controlUrl}/control/faults', { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fault: { kind: 'blackhole' } }) }),
    fetch('${controlUrl}/control/purchases').then((r) => r.text()),
  ].map((attempt) => attempt.then(() => 'answered', (error) => 'failed: ' + error.message));
  Promise.all(attempts).then((outcomes) => {
    document.getElementById('form').submit();
    document.title = 'done ' + JSON.stringify(outcomes);
  });
</script>`;

const parts = useParts(
  assemble()
    .with('sim', () => startKaspiSimulator({ tls: false }))
    // A DNS-rebinding page: a name of the attacker's that resolves to 127.0.0.1 in this browser.
    .with('chromium', () => startChromium(['--host-resolver-rules=MAP rebound.attacker.test 127.0.0.1']))
    // Another origin on this machine (a local dev server, a page the developer has open): the attacker.
    .with('attacker', ({ sim }) =>
      listenHttp((req, res) => {
        const purchaseId = new URL(req.url ?? '/', 'http://attacker').searchParams.get('purchase') ?? '';
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(attackPage(sim.controlUrl, purchaseId.replace(/\D/g, '')));
      }),
    ),
);

describe('dashboard', () => {
  it(
    'shows each BIN with its purchases and statuses, and the journal, live',
    { timeout: 60_000 },
    async () => {
      const page = await parts.chromium.browser.newPage();
      const external: string[] = [];
      page.on('request', (req) => {
        if (!req.url().startsWith(parts.sim.controlUrl)) external.push(req.url());
      });
      await page.goto(`${parts.sim.controlUrl}/dashboard`);
      await expect.poll(() => page.locator(`section[data-bin="${org.bin}"]`).count()).toBe(1);
      await expect
        .poll(() => page.locator(`section[data-bin="${org.bin}"]`).innerText())
        .toContain('no purchases');

      const created = await post(`${parts.sim.url}/r3/v01/qr/create`, {
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

      const control = new KaspiControlClient(parts.sim.controlUrl);
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

  it('cannot be driven by a page of another origin: forms, no-cors and CORS writes are refused, reads stay unreadable', async () => {
    const control = new KaspiControlClient(parts.sim.controlUrl);
    await control.reset();
    const created = await post(`${parts.sim.url}/r3/v01/qr/create`, {
      DeviceToken: org.deviceToken,
      Amount: 10,
      OrganizationBin: org.bin,
    });
    const id = Number(data(created).QrPaymentId);
    const page = await parts.chromium.browser.newPage();
    const refused: string[] = [];
    page.on('response', (response) => {
      if (response.url().startsWith(parts.sim.controlUrl))
        refused.push(`${response.status()} ${response.url()}`);
    });
    await page.goto(`${parts.attacker.url}/?purchase=${id}`);
    await expect.poll(() => page.title(), { timeout: 10_000 }).toMatch(/^done /);
    const outcomes = JSON.parse((await page.title()).slice('done '.length)) as string[];
    // The no-cors writes leave with an opaque answer; the CORS ones and the read fail in the page.
    expect(outcomes.slice(3)).toEqual([expect.stringMatching(/^failed/), expect.stringMatching(/^failed/)]);
    // Every request that reached the control API was answered 403 (the form post included).
    await expect.poll(() => refused.filter((r) => r.includes('/control/reset')).length).toBe(2);
    expect(refused.filter((r) => r.includes(`/control/purchases/${id}/scan`))).toEqual([
      expect.stringMatching(/^403 /),
    ]);
    expect(refused.filter((r) => !r.startsWith('403 '))).toEqual([]);
    expect(await control.faults()).toEqual([]);
    expect((await control.purchase(id))?.status).toBe('QrTokenCreated');
    await page.close();
  });

  it('is not served under another host name (DNS rebinding): 403 with the reason, nothing leaks', async () => {
    const page = await parts.chromium.browser.newPage();
    const { port } = new URL(parts.sim.controlUrl);
    const response = await page.goto(`http://rebound.attacker.test:${port}/dashboard`);
    expect(response?.status()).toBe(403);
    const text = await page.locator('body').innerText();
    expect(text).toContain('is not a loopback name');
    expect(text).not.toContain(org.bin);
    const read = await page.evaluate(async () => {
      const answer = await fetch('/control/purchases');
      return `${answer.status} ${await answer.text()}`;
    });
    expect(read).toMatch(/^403 /);
    expect(read).not.toContain(org.bin);
    await page.close();
  });
});

/** A purchase as a partner creates it: r3 `qr/create` with the organization's own device token. */
async function createPurchase(organization: Organization, amount: number): Promise<string> {
  const created = await post(`${parts.sim.url}/r3/v01/qr/create`, {
    DeviceToken: organization.deviceToken,
    Amount: amount,
    OrganizationBin: organization.bin,
  });
  expect(created.body.StatusCode).toBe(0);
  return String(data(created).QrPaymentId);
}

/** What Kaspi's own status API says of the purchase. */
async function kaspiStatus(qrPaymentId: string): Promise<unknown> {
  return data(await call(`${parts.sim.url}/r3/v01/payment/status/${qrPaymentId}`)).Status;
}

/**
 * The dashboard with its one-second polling stopped (Playwright's clock, paused before the page
 * loads): after the first paint, whatever changes on the page was done by the page's own action.
 */
async function stillDashboard(): Promise<Page> {
  const page = await parts.chromium.browser.newPage();
  await page.clock.install();
  await page.clock.pauseAt(Date.now() + 1000);
  await page.goto(`${parts.sim.controlUrl}/dashboard`);
  return page;
}

const purchaseRow = (page: Page, qrPaymentId: string) =>
  page.locator(`section.org tr[data-qr-payment-id="${qrPaymentId}"]`);
const phoneActions = (page: Page, qrPaymentId: string) =>
  purchaseRow(page, qrPaymentId)
    .locator('button[data-action]')
    .evaluateAll((buttons) => buttons.map((b) => (b as HTMLButtonElement).dataset.action));
const phoneResult = (page: Page, qrPaymentId: string) =>
  purchaseRow(page, qrPaymentId).locator('[data-testid="phone-result"]');

describe('dashboard: whose BIN it is', () => {
  it(
    "names every seller beside its BIN, marks the marketplace's fallback, and flags a BIN no organization has",
    { timeout: 60_000 },
    async () => {
      const control = new KaspiControlClient(parts.sim.controlUrl);
      await control.reset();
      const onSeller = await createPurchase(org, 40);
      const onFallback = await createPurchase(fallbackOrganization, 50);
      // A partner naming a BIN that is nobody's: refused, and journaled under that BIN.
      const strayBin = '100000000017';
      expect(organizationByBin(strayBin)).toBeUndefined();
      const stray = await post(`${parts.sim.url}/r3/v01/qr/create`, {
        DeviceToken: org.deviceToken,
        Amount: 60,
        OrganizationBin: strayBin,
      });
      expect(stray.body.StatusCode).not.toBe(0);

      const page = await parts.chromium.browser.newPage();
      await page.goto(`${parts.sim.controlUrl}/dashboard`);
      const box = (bin: string) => page.locator(`section.org[data-bin="${bin}"]`);
      await expect.poll(() => box(org.bin).locator('h3').innerText()).toContain(org.name);

      for (const seller of sellers) {
        const heading = await box(seller.bin).locator('h3').innerText();
        expect(heading).toContain(seller.bin);
        expect(heading).toContain(seller.name);
        expect(heading).not.toMatch(/fallback|unknown/i);
        expect(await box(seller.bin).getAttribute('data-role')).toBe('seller');
      }
      expect(await purchaseRow(page, onSeller).count()).toBe(1);
      expect(await box(org.bin).locator(`tr[data-qr-payment-id="${onSeller}"]`).count()).toBe(1);

      const fallback = box(fallbackOrganization.bin);
      expect(await page.locator('section.org[data-role="fallback"]').count()).toBe(1);
      expect(await fallback.getAttribute('data-role')).toBe('fallback');
      const fallbackText = await fallback.innerText();
      expect(fallbackText).toContain(fallbackOrganization.name);
      expect(fallbackText).toContain('marketplace fallback');
      expect(fallbackText).toContain('did not reach a seller');
      expect(await fallback.locator(`tr[data-qr-payment-id="${onFallback}"]`).count()).toBe(1);
      // Seen at a glance: the fallback's box looks unlike a seller's, and comes first.
      const border = (bin: string) =>
        box(bin).evaluate(
          (node) => getComputedStyle(node).borderTopColor + getComputedStyle(node).borderTopWidth,
        );
      expect(await border(fallbackOrganization.bin)).not.toBe(await border(org.bin));
      expect(await page.locator('section.org').first().getAttribute('data-bin')).toBe(
        fallbackOrganization.bin,
      );

      // The journal's BINs carry the same names and marks.
      const journalTag = (bin: string) =>
        page.locator(`table[data-testid="journal"] span.bin[data-bin="${bin}"]`);
      await expect.poll(() => journalTag(strayBin).count(), { timeout: 10_000 }).toBe(1);
      expect(await journalTag(strayBin).getAttribute('data-role')).toBe('unknown');
      expect(await journalTag(strayBin).innerText()).toContain('unknown BIN');
      expect(await journalTag(fallbackOrganization.bin).getAttribute('data-role')).toBe('fallback');
      expect(await journalTag(fallbackOrganization.bin).innerText()).toContain('marketplace fallback');
      expect(await journalTag(org.bin).first().innerText()).toContain(org.name);
      expect(await journalTag(org.bin).first().getAttribute('data-role')).toBe('seller');
      await page.close();
    },
  );
});

describe("dashboard: the customer's phone", () => {
  it(
    'scans, confirms, fails a scan and fails a confirmation, as Kaspi then reports, without reloading',
    { timeout: 60_000 },
    async () => {
      const control = new KaspiControlClient(parts.sim.controlUrl);
      await control.reset();
      const paid = await createPurchase(org, 500);
      const scanFails = await createPurchase(org, 20);
      const confirmFails = await createPurchase(other, 30);

      const page = await stillDashboard();
      await expect.poll(() => phoneActions(page, paid)).toEqual(['scan', 'scanerror']);
      expect(await phoneActions(page, confirmFails)).toEqual(['scan', 'scanerror']);
      // A full reload would lose this.
      await page.evaluate(() => Object.assign(window, { beforeActions: true }));

      const click = (id: string, action: string) =>
        purchaseRow(page, id).locator(`button[data-action="${action}"]`).click();

      await click(paid, 'scan');
      await expect.poll(() => kaspiStatus(paid)).toBe('Wait');
      await expect.poll(() => phoneResult(page, paid).innerText()).toBe('Scan → Wait');
      expect(await purchaseRow(page, paid).getAttribute('data-status')).toBe('Wait');
      // Confirm is offered only now, after the scan.
      expect(await phoneActions(page, paid)).toEqual(['confirm', 'confirmerror']);

      await click(paid, 'confirm');
      await expect.poll(() => kaspiStatus(paid)).toBe('Processed');
      await expect.poll(() => phoneResult(page, paid).innerText()).toBe('Confirm → Processed');
      expect(await phoneActions(page, paid)).toEqual([]);
      // The money is on the seller's BIN, as the box says.
      expect(await page.locator(`section.org[data-bin="${org.bin}"]`).innerText()).toContain(
        'processed: 500',
      );

      await click(scanFails, 'scanerror');
      await expect.poll(() => kaspiStatus(scanFails)).toBe('Error');
      await expect
        .poll(() => phoneResult(page, scanFails).innerText())
        .toBe('Scan error → Error (scanError)');
      expect(await phoneActions(page, scanFails)).toEqual([]);

      await click(confirmFails, 'scan');
      await expect.poll(() => phoneActions(page, confirmFails)).toEqual(['confirm', 'confirmerror']);
      await click(confirmFails, 'confirmerror');
      await expect.poll(() => kaspiStatus(confirmFails)).toBe('Error');
      await expect
        .poll(() => phoneResult(page, confirmFails).innerText())
        .toBe('Confirm error → Error (confirmError)');
      expect(await phoneActions(page, confirmFails)).toEqual([]);

      expect(await page.evaluate(() => 'beforeActions' in window)).toBe(true);
      // Each failure is the one clicked, and each click moved its purchase once.
      expect(
        (await control.purchases()).map((p) => [String(p.qrPaymentId), p.status, p.errorReason]),
      ).toEqual([
        [paid, 'Processed', null],
        [scanFails, 'Error', 'scanError'],
        [confirmFails, 'Error', 'confirmError'],
      ]);
      await page.close();
    },
  );

  it('shows what Kaspi answers when a purchase moved on before the click', { timeout: 60_000 }, async () => {
    const control = new KaspiControlClient(parts.sim.controlUrl);
    await control.reset();
    const id = await createPurchase(org, 70);
    const page = await stillDashboard();
    await expect.poll(() => phoneActions(page, id)).toEqual(['scan', 'scanerror']);

    // The customer scanned on their own phone; the page, not polling, still offers the scan.
    const scanned = await post(`${parts.sim.url}/test/payment/scan`, { qrPaymentId: id });
    expect(scanned.body.StatusCode).toBe(0);
    await purchaseRow(page, id).locator('button[data-action="scan"]').click();
    await expect.poll(() => phoneResult(page, id).innerText()).toMatch(/^Scan refused: /);
    // Kaspi's emulator, asked the same now, refuses the same way.
    const kaspi = await post(`${parts.sim.url}/test/payment/scan`, { qrPaymentId: id });
    expect(kaspi.body.StatusCode).not.toBe(0);
    const shown = await phoneResult(page, id).innerText();
    expect(shown).toContain(String(kaspi.body.message));
    expect(shown).toContain(`StatusCode ${String(kaspi.body.StatusCode)}`);
    expect(await phoneResult(page, id).getAttribute('class')).toContain('bad');
    // The page caught up with the purchase: Wait, and what a scanned purchase accepts.
    await expect.poll(() => purchaseRow(page, id).getAttribute('data-status')).toBe('Wait');
    expect(await phoneActions(page, id)).toEqual(['confirm', 'confirmerror']);

    // Confirmed elsewhere meanwhile: the page's confirm error is refused and changes nothing.
    expect((await post(`${parts.sim.url}/test/payment/confirm`, { qrPaymentId: id })).body.StatusCode).toBe(
      0,
    );
    await purchaseRow(page, id).locator('button[data-action="confirmerror"]').click();
    await expect.poll(() => phoneResult(page, id).innerText()).toMatch(/^Confirm error refused: /);
    expect(await phoneResult(page, id).innerText()).toContain('purchase is Processed');
    expect(await kaspiStatus(id)).toBe('Processed');
    await expect.poll(() => purchaseRow(page, id).getAttribute('data-status')).toBe('Processed');
    await page.close();
  });
});
