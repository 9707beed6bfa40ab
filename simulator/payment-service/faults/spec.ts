/**
 * The faults `POST /control/faults` installs, and their wire schema. Socket-level kinds (down,
 * blackhole, truncated, tls-failure) are carried out below the HTTP framework by service.ts and
 * tls.ts; the others reshape or replace the answer.
 */
import { z } from 'zod';

const httpFault = z.discriminatedUnion('kind', [
  /** The route's connection is reset before any answer (a whole-service `down` refuses connections). */
  z.strictObject({ kind: z.literal('down') }),
  /** Accepts the request and never answers: the client's own timeouts must fire. */
  z.strictObject({ kind: z.literal('blackhole') }),
  z.strictObject({
    kind: z.literal('slow'),
    ms: z.number().int().min(0).max(600_000),
    jitterMs: z.number().int().min(0).max(600_000).optional(),
    /** How the jitter is drawn (seeded): uniform in [0, jitter], |normal| with σ = jitter, exponential with mean = jitter. */
    distribution: z.enum(['uniform', 'normal', 'exponential']).optional(),
    seed: z.number().int().optional(),
  }),
  z.strictObject({
    kind: z.literal('status'),
    status: z.number().int().min(100).max(599),
    /** JSON answer; a string is sent as is (text/html), e.g. a load balancer's error page. */
    body: z.unknown().optional(),
  }),
  /** The route's real status with a body that is not JSON (Python's repr of the answer). */
  z.strictObject({ kind: z.literal('invalid-json') }),
  /** The real answer's headers and half its body, then the connection closes. */
  z.strictObject({ kind: z.literal('truncated') }),
  /** The real answer without one top-level field (in each element of a list). */
  z.strictObject({ kind: z.literal('missing-field'), field: z.string().min(1).max(100) }),
  /** Config reads see these values instead of the stored ones (all shops, or one). */
  z.strictObject({
    kind: z.literal('stale-config'),
    shopId: z.number().int().optional(),
    organizationBin: z.string().max(12).optional(),
    deviceToken: z.string().max(50).nullable().optional(),
    isActive: z.boolean().optional(),
  }),
  /**
   * A mix-up in the service: config lookups (`GET /api/payment/config`, `GET /admin/configs/{shop_id}`)
   * answer with the full stored row of shop `shopId` (its shop_id, BIN and token) instead of the
   * requested one.
   */
  z.strictObject({ kind: z.literal('wrong-shop'), shopId: z.number().int() }),
]);

export type HttpFault = z.infer<typeof httpFault>;

export const faultSpec = z.union([
  httpFault,
  z.strictObject({
    kind: z.literal('flapping'),
    probability: z.number().min(0).max(1),
    seed: z.number().int(),
    fault: httpFault,
  }),
  /** The TLS listener presents a certificate from a foreign CA: every handshake fails verification. */
  z.strictObject({ kind: z.literal('tls-failure') }),
]);

export type FaultSpec = z.infer<typeof faultSpec>;

export const faultInput = z.strictObject({
  /** `GET /api/payment/config`, `/admin/*`, `POST *`; matched against the request and the route pattern. Default: all. */
  route: z.string().min(1).max(300).optional(),
  fault: faultSpec,
  /** Fire for the next N matching requests (or handshakes), then the fault is removed. */
  times: z.number().int().min(1).max(1_000_000_000).optional(),
});

export type FaultInput = z.infer<typeof faultInput>;

export interface InstalledFault extends FaultInput {
  id: string;
  /** Firings left; null without `times`. */
  remaining: number | null;
  fired: number;
}

export const faultKinds = [
  'down',
  'blackhole',
  'slow',
  'status',
  'invalid-json',
  'truncated',
  'missing-field',
  'stale-config',
  'wrong-shop',
  'flapping',
  'tls-failure',
] as const satisfies readonly FaultSpec['kind'][];
