/**
 * The dashboard as a person sees it, in real Chromium (Debian's, driven by playwright-core): after a
 * purchase is created over the Kaspi API, the organization's BIN box shows it with its status, the
 * status follows the lifecycle, and the journal shows the request. And what a page of another origin
 * open in the same browser can do to the control API behind it: nothing (platform/control-guard.ts).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../platform/chromium.ts';
import { KaspiControlClient } from '../control-client.ts';
import { startKaspiSimulator, type KaspiSimulator } from '../server.ts';
import { data, post, sellerAt } from '../test-helpers.ts';

const org = sellerAt(0);
const other = sellerAt(1);

let sim: KaspiSimulator;
let browser: Browser;
/** Another origin on this machine (a local dev server, a page the developer has open): the attacker. */
let attacker: Server;
let attackerUrl: string;

/** What the attacker's page tries on the control API, every way a page can send a write unasked. */
const attackPage = (controlUrl: string) => `<!doctype html><title>another origin</title>
<form id="form" method="POST" action="${controlUrl}/control/reset" enctype="text/plain" target="sink">
  <input name='{"x":"' value='"}'>
</form><iframe name="sink"></iframe>
<script>
  const attempts = [
    fetch('${controlUrl}/control/faults', { method: 'POST', mode: 'no-cors',
      body: JSON.stringify({ fault: { kind: 'reset' } }) }),
    fetch('${controlUrl}/control/reset', { method: 'POST', mode: 'no-cors' }),
    fetch('${controlUrl}/control/faults', { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fault: { kind: 'hang' } }) }),
    fetch('${controlUrl}/control/purchases').then((r) => r.text()),
  ].map((attempt) => attempt.then(() => 'answered', (error) => 'failed: ' + error.message));
  Promise.all(attempts).then((outcomes) => {
    document.getElementById('form').submit();
    document.title = 'done ' + JSON.stringify(outcomes);
  });
</script>`;

beforeAll(async () => {
  sim = await startKaspiSimulator({ tls: false });
  // A DNS-rebinding page: a name of the attacker's that resolves to 127.0.0.1 in this browser.
  browser = await launchChromium(['--host-resolver-rules=MAP rebound.attacker.test 127.0.0.1']);
  attacker = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(attackPage(sim.controlUrl));
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await sim?.stop();
  await new Promise((resolve) => attacker?.close(resolve));
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

  it('cannot be driven by a page of another origin: forms, no-cors and CORS writes are refused, reads stay unreadable', async () => {
    const control = new KaspiControlClient(sim.controlUrl);
    await control.reset();
    const created = await post(`${sim.url}/r3/v01/qr/create`, {
      DeviceToken: org.deviceToken,
      Amount: 10,
      OrganizationBin: org.bin,
    });
    const id = Number(data(created).QrPaymentId);
    const page = await browser.newPage();
    const refused: string[] = [];
    page.on('response', (response) => {
      if (response.url().startsWith(sim.controlUrl)) refused.push(`${response.status()} ${response.url()}`);
    });
    await page.goto(attackerUrl);
    await expect.poll(() => page.title(), { timeout: 10_000 }).toMatch(/^done /);
    const outcomes = JSON.parse((await page.title()).slice('done '.length)) as string[];
    // The no-cors writes leave with an opaque answer; the CORS ones and the read fail in the page.
    expect(outcomes.slice(2)).toEqual([expect.stringMatching(/^failed/), expect.stringMatching(/^failed/)]);
    // Every request that reached the control API was answered 403 (the form post included).
    await expect.poll(() => refused.filter((r) => r.includes('/control/reset')).length).toBe(2);
    expect(refused.filter((r) => !r.startsWith('403 '))).toEqual([]);
    expect(await control.faults()).toEqual([]);
    expect((await control.purchase(id))?.status).toBe('QrTokenCreated');
    await page.close();
  });

  it('is not served under another host name (DNS rebinding): 403 with the reason, nothing leaks', async () => {
    const page = await browser.newPage();
    const { port } = new URL(sim.controlUrl);
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
