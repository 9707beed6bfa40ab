/**
 * The payment-service simulator's faults: what `POST /control/faults` installs. The shared kinds,
 * rule fields and firing come from simulator/shared/faults.ts; the service adds its own kinds.
 * Socket-level kinds (down, blackhole, reset, empty-reply, garbage, truncated, tls-failure) are
 * carried out below the HTTP framework by service.ts, switch.ts and tls.ts; the others reshape or
 * replace the answer.
 */
import { z } from 'zod';
import {
  commonFaults,
  faultRuleSchema,
  methodMatch,
  type FaultRule as SharedRule,
} from '../../shared/faults.ts';

export const faultSpec = z.discriminatedUnion('kind', [
  ...commonFaults,
  z
    .strictObject({ kind: z.literal('down') })
    .describe(
      'the service is down: connections are refused on every listener (per route: reset, as the connection was accepted before the route was known)',
    ),
  z
    .strictObject({ kind: z.literal('invalid-json') })
    .describe("the route's real status with a body that is not JSON (Python's repr of the answer)"),
  z
    .strictObject({ kind: z.literal('truncated') })
    .describe("the real answer's headers and half its body, then the connection closes"),
  z
    .strictObject({
      kind: z.literal('missing-field'),
      field: z.string().min(1).max(100).describe('the top-level field left out'),
    })
    .describe('the real answer without one top-level field (in each element of a list)'),
  z
    .strictObject({
      kind: z.literal('stale-config'),
      shopId: z.number().int().optional().describe('only this shop (default every shop)'),
      organizationBin: z.string().max(12).optional().describe('the BIN config reads see'),
      deviceToken: z
        .string()
        .max(50)
        .nullable()
        .optional()
        .describe('the device token they see (null: none)'),
      isActive: z.boolean().optional().describe('the is_active they see'),
    })
    .describe('config reads see these values instead of the stored ones'),
  z
    .strictObject({
      kind: z.literal('wrong-shop'),
      shopId: z.number().int().describe('the shop whose stored row is served'),
    })
    .describe(
      'a mix-up in the service: config lookups answer with the full stored row of another shop (its shop_id, BIN and token)',
    ),
  z
    .strictObject({ kind: z.literal('tls-failure') })
    .describe(
      'the HTTPS listener presents a certificate from a foreign CA: every handshake fails verification',
    ),
]);

export type FaultSpec = z.infer<typeof faultSpec>;

/**
 * `path` is matched whole, as a glob (`*` also crosses `/`), against the request's path and against
 * the template of the route it reached (`/admin/configs/{shop_id}`): the service's paths carry no
 * prefix, and a contract's route is named by its template.
 */
export const faultMatch = z.strictObject({
  method: methodMatch.optional(),
  path: z
    .string()
    .min(1)
    .max(300)
    .optional()
    .describe(
      'the path, * a wildcard: /api/payment/config, /admin/*, /admin/configs/{shop_id} (default every path)',
    ),
});
export type FaultMatch = z.infer<typeof faultMatch>;

export const faultRuleInput = faultRuleSchema(faultMatch, faultSpec);
export type FaultRuleInput = z.infer<typeof faultRuleInput>;
export type FaultRule = SharedRule<FaultRuleInput>;

/** `GET /api/payment/config` (a route key, as the journal and the contracts name routes) as a match. */
export function routeMatch(key: string): FaultMatch {
  const [method = '', path] = key.trim().split(/\s+/, 2);
  return path === undefined ? { path: method } : { method, path };
}
