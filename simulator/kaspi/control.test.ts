import { describe, expect, it } from 'vitest';
import { useParts } from '../../platform/testing.ts';
import { assemble } from '../../platform/lifecycle.ts';
import type { Organization } from '../../fixtures/organizations.ts';
import { ControlApiError } from '../../platform/http/control-client.ts';
import { KaspiControlClient } from './control-client.ts';
import { startKaspiSimulator } from './server.ts';
import { call, sellerAt, post } from './test-helpers.ts';

const orgA = sellerAt(0);
const orgB = sellerAt(1);

const parts = useParts(
  assemble()
    .with('sim', () => startKaspiSimulator({ journalSize: 5 }))
    .value('control', ({ sim }) => new KaspiControlClient(sim.controlUrl)),
);

const create = (org: Organization, externalId: string) =>
  post(`${parts.sim.url}/r3/v01/qr/create`, {
    DeviceToken: org.deviceToken,
    Amount: 100,
    ExternalId: externalId,
    OrganizationBin: org.bin,
  });

describe('control API', () => {
  it('filters purchases by BIN, externalId, token and id', async () => {
    await parts.control.reset();
    await create(orgA, 'a-1');
    await create(orgA, 'a-2');
    const b = await create(orgB, 'b-1');
    const bId = (b.body.Data as { QrPaymentId: number }).QrPaymentId;

    expect((await parts.control.purchases()).length).toBe(3);
    expect((await parts.control.purchases({ bin: orgA.bin })).map((p) => p.externalId)).toEqual([
      'a-1',
      'a-2',
    ]);
    expect((await parts.control.purchases({ externalId: 'b-1' })).map((p) => p.organizationBin)).toEqual([
      orgB.bin,
    ]);
    expect((await parts.control.purchases({ deviceToken: orgB.deviceToken })).length).toBe(1);
    expect((await parts.control.purchases({ qrPaymentId: bId })).map((p) => p.externalId)).toEqual(['b-1']);
    expect(await parts.control.purchases({ bin: '000000000000' })).toEqual([]);
    expect(await parts.control.purchase(987654321)).toBeUndefined();
  });

  it('reset empties purchases and the journal and restores trade points', async () => {
    await create(orgA, 'before-reset');
    await parts.control.updateTradePoint(orgA.tradePointId, { enabled: false });
    await parts.control.reset();
    expect(await parts.control.purchases()).toEqual([]);
    expect(await parts.control.journal()).toEqual([]);
    expect((await create(orgA, 'after-reset')).body.StatusCode).toBe(0);
  });

  it('keeps only the newest journalSize entries, with who-asked details', async () => {
    await parts.control.reset();
    for (let i = 0; i < 8; i += 1) await create(i % 2 === 0 ? orgA : orgB, `j-${i}`);
    await call(`${parts.sim.url}/r3/v01/health/ping`);
    const entries = await parts.control.journal();
    expect(entries.length).toBe(5);
    expect(entries.at(-1)?.path).toBe('/r3/v01/health/ping');
    const last = entries.at(-2);
    expect(last).toMatchObject({
      scheme: 'r3',
      method: 'POST',
      path: '/r3/v01/qr/create',
      organizationBin: orgB.bin,
      deviceToken: orgB.deviceToken,
      tradePointId: orgB.tradePointId,
      httpStatus: 200,
      statusCode: 0,
    });
    expect(typeof last?.latencyMs).toBe('number');
    expect(
      (await parts.control.journal({ bin: orgA.bin })).every((e) => e.organizationBin === orgA.bin),
    ).toBe(true);
    expect((await parts.control.journal({ limit: 2 })).map((e) => e.path)).toEqual([
      '/r3/v01/qr/create',
      '/r3/v01/health/ping',
    ]);
  });

  it('journals the BIN a foreign-BIN attempt named, with its refusal code', async () => {
    await parts.control.reset();
    await post(`${parts.sim.url}/r3/v01/qr/create`, {
      DeviceToken: orgA.deviceToken,
      Amount: 1,
      OrganizationBin: orgB.bin,
    });
    const [entry] = await parts.control.journal();
    expect(entry).toMatchObject({ organizationBin: orgB.bin, statusCode: -1501 });
  });

  it('answers JSON errors for unknown routes and bad parameters', async () => {
    const unknown = await call(`${parts.sim.controlUrl}/control/nope`);
    expect(unknown.httpStatus).toBe(404);
    expect(unknown.body).toMatchObject({ error: { code: 'not_found' } });
    const bad = await call(`${parts.sim.controlUrl}/control/purchases?qrPaymentId=abc`);
    expect(bad.httpStatus).toBe(400);
    await expect(parts.control.updateTradePoint(1, { enabled: false })).rejects.toBeInstanceOf(
      ControlApiError,
    );
    expect(await parts.control.health()).toBe(true);
  });

  it('serves an OpenAPI document of the Kaspi routes', async () => {
    const doc = await call(`${parts.sim.controlUrl}/openapi.json`);
    expect(doc.body.openapi).toBe('3.0.3');
    const paths = Object.keys(doc.body.paths as object);
    expect(paths).toContain('/r3/v01/qr/create');
    expect(paths).toContain('/r1/v01/payment/status/{QrPaymentId}');
    expect(paths).toContain('/test/payment/confirm');
  });
});
