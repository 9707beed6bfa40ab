import { beforeEach, describe, expect, it } from 'vitest';
import { useParts } from '../../platform/testing.ts';
import { assemble } from '../../platform/lifecycle.ts';
import { organizationFor } from '../../fixtures/organizations.ts';
import { KaspiControlClient } from './control-client.ts';
import { startKaspiSimulator } from './server.ts';
import { call, data, post, sellerAt } from './test-helpers.ts';

const orgA = sellerAt(0);
const orgB = sellerAt(1);
/** What every control write carries (platform/control-guard.ts). */
const json = { 'content-type': 'application/json' };

const parts = useParts(
  assemble()
    .with('sim', () => startKaspiSimulator())
    .value('control', ({ sim }) => new KaspiControlClient(sim.controlUrl)),
);
beforeEach(async () => {
  await parts.control.reset();
});

const createFor = async (org: typeof orgA) =>
  data(
    await post(`${parts.sim.url}/r3/v01/qr/create`, {
      DeviceToken: org.deviceToken,
      Amount: 250,
      OrganizationBin: org.bin,
    }),
  ).QrPaymentId as number;

describe('journal queries', () => {
  it('filter by BIN, device token, path and time, and download as a file', async () => {
    const before = new Date().toISOString();
    const a = await createFor(orgA);
    await createFor(orgB);
    await call(`${parts.sim.url}/r1/v01/payment/status/${a}`);
    const after = new Date(Date.now() + 1).toISOString();

    const forA = await parts.control.journal({ bin: orgA.bin });
    expect(forA.map((e) => e.path)).toEqual(['/r3/v01/qr/create', `/r1/v01/payment/status/${a}`]);
    expect(forA[1]).toMatchObject({
      deviceToken: orgA.deviceToken,
      tradePointId: orgA.tradePointId,
      statusCode: 0,
    });
    expect((await parts.control.journal({ deviceToken: orgB.deviceToken })).length).toBe(1);
    expect((await parts.control.journal({ path: 'payment/status' })).length).toBe(1);
    expect((await parts.control.journal({ from: before, to: after })).length).toBe(3);
    expect(await parts.control.journal({ to: before.replace(/\d{4}-/, '2000-') })).toEqual([]);

    const file = await parts.control.downloadJournal({ bin: orgB.bin });
    expect(file.fileName).toMatch(/^kaspi-journal-.*\.json$/);
    expect(file.entries).toHaveLength(1);
    expect(file.entries[0]?.organizationBin).toBe(orgB.bin);
    const bad = await fetch(`${parts.sim.controlUrl}/control/journal?from=yesterday`);
    expect(bad.status).toBe(400);
  });

  it('is bounded: a ring buffer of the configured size', async () => {
    await using small = await startKaspiSimulator({ journalSize: 3 });
    for (let i = 0; i < 5; i += 1) await fetch(`${small.url}/r1/v01/health/ping?i=${i}`);
    const info = await new KaspiControlClient(small.controlUrl).info();
    expect(info).toMatchObject({ journalSize: 3, journalCapacity: 3, journalTotal: 5 });
  });
});

describe('near-miss hints', () => {
  const hintsFor = async (method: string, path: string, body?: unknown) => {
    const answer = await call(`${parts.sim.url}${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const [entry] = await parts.control.journal({ limit: 1 });
    return { answer, hints: entry?.nearMiss ?? [] };
  };

  it('names the real endpoint for a wrong scheme prefix', async () => {
    const { answer, hints } = await hintsFor('POST', '/r4/v01/qr/create', {});
    expect(answer.httpStatus).toBe(404);
    expect(answer.body.StatusCode).toBe(-999);
    expect(hints.join('\n')).toContain('POST /r1/v01/qr/create? (scheme prefix)');
  });

  it('names a trailing slash, a wrong method and wrong path casing', async () => {
    expect((await hintsFor('POST', '/r1/v01/qr/create/', {})).hints).toEqual([
      'did you mean POST /r1/v01/qr/create? (trailing slash)',
    ]);
    expect((await hintsFor('GET', '/r2/v01/qr/create')).hints).toEqual([
      'did you mean POST /r2/v01/qr/create? (method GET)',
    ]);
    expect((await hintsFor('GET', '/r1/v01/Payment/Status/5')).hints).toEqual([
      'did you mean GET /r1/v01/payment/status/5? (path casing)',
    ]);
  });

  it('names a body field with the wrong casing, on a matched endpoint', async () => {
    const { answer, hints } = await hintsFor('POST', '/r1/v01/qr/create', {
      deviceToken: orgA.deviceToken,
      Amount: 5,
    });
    expect(answer.body.StatusCode).toBe(-1501);
    expect(hints).toEqual(['field deviceToken should be spelled DeviceToken']);
  });

  it('adds nothing to good requests', async () => {
    await createFor(orgA);
    const [entry] = await parts.control.journal({ limit: 1 });
    expect(entry?.nearMiss).toBeUndefined();
  });
});

describe('control API tools', () => {
  it('drives a purchase through its lifecycle and refuses a wrong transition with 409', async () => {
    const id = await createFor(orgA);
    expect((await parts.control.emulate(id, 'scan')).status).toBe('Wait');
    await expect(parts.control.emulate(id, 'scan')).rejects.toMatchObject({
      httpStatus: 409,
      code: 'wrong_status',
    });
    expect((await parts.control.emulate(id, 'confirm')).status).toBe('Processed');
    expect(data(await call(`${parts.sim.url}/r3/v01/payment/status/${id}`)).Status).toBe('Processed');
    await expect(parts.control.emulate(999_999_999_999, 'scan')).rejects.toMatchObject({ httpStatus: 404 });
    expect(await parts.control.refunds({ bin: orgA.bin })).toEqual([]);
  });

  it('seeds merchants from a posted document, validates it, and goes back to the fixtures', async () => {
    const solo = { ...organizationFor('tools-test-solo', 'Solo LLP', '111122223333') };
    expect(await parts.control.seed([solo])).toBe(1);
    expect((await parts.control.ledger()).map((row) => row.organizationBin)).toEqual(['111122223333']);
    const created = await post(`${parts.sim.url}/r1/v01/qr/create`, {
      DeviceToken: solo.deviceToken,
      Amount: 10,
    });
    expect(created.body.StatusCode).toBe(0);
    const gone = await post(`${parts.sim.url}/r3/v01/qr/create`, {
      DeviceToken: orgA.deviceToken,
      Amount: 1,
      OrganizationBin: orgA.bin,
    });
    expect(gone.body.StatusCode).toBe(-1501);

    await expect(parts.control.seed([{ ...solo, bin: '12' }])).rejects.toMatchObject({
      httpStatus: 400,
      code: 'invalid_body',
    });
    await expect(parts.control.seed([solo, solo])).rejects.toMatchObject({ httpStatus: 400 });
    const extra = await fetch(`${parts.sim.controlUrl}/control/seed`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ organizations: [{ ...solo, extra: 1 }] }),
    });
    expect(extra.status).toBe(400);

    expect(await parts.control.seed()).toBeGreaterThan(1);
    expect((await parts.control.ledger()).map((row) => row.organizationBin)).toContain(orgA.bin);
  });

  it('answers 405 for a known path with the wrong method, and serves the dashboard page', async () => {
    expect(
      (await fetch(`${parts.sim.controlUrl}/control/faults`, { method: 'PUT', headers: json })).status,
    ).toBe(405);
    expect((await fetch(`${parts.sim.controlUrl}/control/nothing`)).status).toBe(404);
    expect(
      (await fetch(`${parts.sim.controlUrl}/control/ledger`, { method: 'POST', headers: json })).status,
    ).toBe(405);
    for (const path of ['/', '/dashboard']) {
      const page = await fetch(`${parts.sim.controlUrl}${path}`);
      expect(page.headers.get('content-type')).toContain('text/html');
      const html = await page.text();
      expect(html).toContain('<title>Kaspi simulator</title>');
      expect(html).not.toMatch(/<(script|link)[^>]+(src|href)=/);
    }
    expect((await fetch(`${parts.sim.url}/dashboard`)).status).toBe(404);
  });
});
