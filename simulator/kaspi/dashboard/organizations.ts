/**
 * `GET /control/organizations`: who each BIN is, for the dashboard. Names come from the organizations
 * the simulator was seeded with (fixtures/organizations.ts unless `POST /control/seed` replaced them);
 * the marketplace's fallback BIN is fixtures' `fallbackOrganization`, listed even when a custom seed
 * left it out, because money that lands there never reached a seller whoever was seeded.
 */
import { fallbackOrganization } from '../../../fixtures/organizations.ts';
import { ok, type ControlRoute } from '../../../platform/http/control-api.ts';
import type { KaspiState } from '../state.ts';

export interface OrganizationEntry {
  bin: string;
  name: string;
  /** The marketplace's own organization: a purchase here was not routed to a seller. */
  fallback: boolean;
}

export function organizationDirectory(state: KaspiState): OrganizationEntry[] {
  const entries = state
    .organizations()
    .map(({ bin, name }) => ({ bin, name, fallback: bin === fallbackOrganization.bin }));
  if (!entries.some((entry) => entry.fallback))
    entries.push({ bin: fallbackOrganization.bin, name: fallbackOrganization.name, fallback: true });
  return entries;
}

export function organizationRoutes(state: KaspiState): ControlRoute[] {
  return [
    {
      method: 'GET',
      path: '/control/organizations',
      handle: () => ok({ organizations: organizationDirectory(state) }),
    },
  ];
}
