/**
 * `POST /control/seed`: replace the merchants with the fixtures (empty body) or with a posted
 * document `{ organizations: [{ bin, name, tradePointId, tradePointName, deviceId, deviceToken }] }`.
 * Seeding resets purchases and the journal, as the merchants they referred to may be gone.
 */
import { z } from 'zod';
import { allOrganizations, type Organization } from '../../fixtures/organizations.ts';
import { ControlError, ok, parsedBody, type ControlRoute } from '../../platform/http/control-api.ts';

const organization = z.strictObject({
  bin: z.string().regex(/^\d{12}$/, 'must be 12 digits'),
  name: z.string().min(1).max(200),
  tradePointId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  tradePointName: z.string().min(1).max(200),
  deviceId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'Latin letters, digits, - and _'),
  deviceToken: z.string().min(1).max(100),
});

export const seedDocument = z.strictObject({
  organizations: z.array(organization).min(1).max(10_000).optional(),
});

function checkUnique(organizations: readonly Organization[]): void {
  for (const key of ['tradePointId', 'deviceId', 'deviceToken'] as const) {
    const seen = new Set<unknown>();
    for (const org of organizations) {
      if (seen.has(org[key]))
        throw new ControlError(400, 'invalid_body', `duplicate ${key}: ${String(org[key])}`);
      seen.add(org[key]);
    }
  }
}

export function seedRoutes(seed: (organizations: readonly Organization[]) => void): ControlRoute[] {
  return [
    {
      method: 'POST',
      path: '/control/seed',
      // Ten thousand organizations take some 2 MB.
      maxBodyBytes: 4 * 1024 * 1024,
      handle: async (ctx) => {
        const document = await parsedBody(ctx, seedDocument);
        const organizations = document.organizations ?? allOrganizations;
        checkUnique(organizations);
        seed(organizations);
        return ok({ organizations: organizations.length });
      },
    },
  ];
}
