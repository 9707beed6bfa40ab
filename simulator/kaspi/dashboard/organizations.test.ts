/**
 * `GET /control/organizations`, what the dashboard names BINs with: the organizations the simulator
 * was seeded with, by name, and the marketplace's fallback marked as such.
 */
import { describe, expect, it } from 'vitest';
import { useParts } from '../../../platform/testing.ts';
import { assemble } from '../../../platform/lifecycle.ts';
import {
  allOrganizations,
  fallbackOrganization,
  organizationFor,
  sellers,
} from '../../../fixtures/organizations.ts';
import { KaspiControlClient } from '../control-client.ts';
import { startKaspiSimulator } from '../server.ts';
import { call } from '../test-helpers.ts';

const parts = useParts(assemble().with('sim', () => startKaspiSimulator({ tls: false })));

const directory = async () => (await call(`${parts.sim.controlUrl}/control/organizations`)).body;

describe('GET /control/organizations', () => {
  it('names every seeded organization and marks only the fallback', async () => {
    const { organizations } = (await directory()) as {
      organizations: { bin: string; name: string; fallback: boolean }[];
    };
    expect(organizations).toHaveLength(allOrganizations.length);
    for (const seller of sellers)
      expect(organizations).toContainEqual({ bin: seller.bin, name: seller.name, fallback: false });
    expect(organizations).toContainEqual({
      bin: fallbackOrganization.bin,
      name: fallbackOrganization.name,
      fallback: true,
    });
  });

  it('follows a reseed, and keeps the fallback known when the seed leaves it out', async () => {
    const control = new KaspiControlClient(parts.sim.controlUrl);
    const shop = organizationFor('dashboard-test', 'Tulip & Co <b>', '100000000017');
    try {
      await control.seed([shop]);
      expect(await directory()).toEqual({
        organizations: [
          { bin: shop.bin, name: shop.name, fallback: false },
          { bin: fallbackOrganization.bin, name: fallbackOrganization.name, fallback: true },
        ],
      });
    } finally {
      await control.seed();
    }
    expect(((await directory()).organizations as unknown[]).length).toBe(allOrganizations.length);
  });

  it('is a control route: a page of another origin cannot read it', async () => {
    const response = await fetch(`${parts.sim.controlUrl}/control/organizations`, {
      headers: { origin: 'http://203.0.113.7' },
    });
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain(fallbackOrganization.bin);
  });
});
