/**
 * The Kaspi simulator's faults: what `POST /control/faults` installs and the Kaspi listener consults
 * for every request. The shared kinds, rule fields and firing come from simulator/shared/faults.ts;
 * Kaspi adds its `status-code` and `header-block` kinds, and matches by path segments, scheme,
 * method and BIN. Socket-level kinds are carried out by http-adapter.ts on the raw socket, below msw.
 */
import { z } from 'zod';
import {
  commonFaults,
  faultRuleSchema,
  FaultRules,
  methodMatch,
  type FaultDecision as SharedDecision,
  type FaultRule as SharedRule,
} from '../shared/faults.ts';
import type { Scheme } from './types.ts';

export const faultSpec = z.discriminatedUnion('kind', [
  ...commonFaults,
  z
    .strictObject({
      kind: z.literal('status-code'),
      statusCode: z.number().int().describe("Kaspi's StatusCode in the answer's envelope"),
      httpStatus: z
        .number()
        .int()
        .min(200)
        .max(599)
        .optional()
        .describe('HTTP status of the answer (default 200: Kaspi reports business failures with 200)'),
      message: z.string().max(1000).optional().describe('the envelope\'s Message (default "Injected fault")'),
    })
    .describe("Kaspi's own answer with this StatusCode"),
  /**
   * The right answer with a header block of another size: interim `103 Early Hints` answers before
   * it and extra `Set-Cookie` bytes in it, as a load balancer in front of Kaspi might add
   * (header-block.ts). A client that takes the body from CURLINFO_HEADER_SIZE reads it as always;
   * one that splits at the first blank line or at a fixed offset reads something else.
   */
  z
    .strictObject({
      kind: z.literal('header-block'),
      earlyHints: z
        .number()
        .int()
        .min(0)
        .max(5)
        .optional()
        .describe('interim 103 Early Hints answers before the answer (default 1)'),
      extraBytes: z
        .number()
        .int()
        .min(0)
        .max(32_768)
        .optional()
        .describe("bytes of a load balancer's Set-Cookie lines in it (default 2048)"),
    })
    .describe('the right answer inside a header block of another size'),
]);
export type FaultSpec = z.infer<typeof faultSpec>;

export const faultMatch = z.strictObject({
  method: methodMatch.optional(),
  /** Whole segments, because every Kaspi path carries a scheme and version prefix. */
  path: z
    .string()
    .min(1)
    .max(500)
    .optional()
    .describe(
      'path segments the request path contains, e.g. qr/create (not qr/create-link), on every scheme',
    ),
  scheme: z.enum(['r1', 'r2', 'r3']).optional().describe('only requests on this scheme'),
  bin: z
    .string()
    .min(1)
    .max(32)
    .optional()
    .describe("only requests for this organization's BIN (the journal's attribution)"),
});
export type FaultMatch = z.infer<typeof faultMatch>;

export const faultRuleInput = faultRuleSchema(faultMatch, faultSpec);
export type FaultRuleInput = z.infer<typeof faultRuleInput>;
export type FaultRule = SharedRule<FaultRuleInput>;
export type FaultDecision = SharedDecision<FaultSpec>;

export interface FaultRequest {
  method: string;
  path: string;
  /** Resolved lazily: only rules with `match.bin` pay for it. */
  bin(): string | null;
}

const schemeOf = (path: string): Scheme | undefined =>
  (/^\/(r[123])\/v0\d\//.exec(path)?.[1] as Scheme | undefined) ?? undefined;

function matcher(input: FaultRuleInput): (request: FaultRequest) => boolean {
  const match = input.match ?? {};
  const trimmed = match.path?.replace(/^\/+|\/+$/g, '');
  const segments = trimmed ? `/${trimmed}/` : undefined;
  return (request) =>
    (match.method === undefined || match.method.toUpperCase() === request.method.toUpperCase()) &&
    (match.scheme === undefined || schemeOf(request.path) === match.scheme) &&
    (segments === undefined || `${request.path}/`.includes(segments)) &&
    (match.bin === undefined || request.bin() === match.bin);
}

export class FaultRegistry {
  private readonly rules = new FaultRules<FaultRuleInput, FaultRequest>(matcher);

  /** Validated input (see `faultRuleInput`); returns the installed rule. */
  add(input: FaultRuleInput): FaultRule {
    return this.rules.add(input);
  }

  list(): FaultRule[] {
    return this.rules.list();
  }

  /** Removes one rule, or every rule without `id`; returns how many went. */
  remove(id?: string): number {
    return this.rules.remove(id);
  }

  get size(): number {
    return this.rules.size;
  }

  /** Decides the faults for one request and counts the firings; `undefined` when none fire. */
  decide(request: FaultRequest): FaultDecision | undefined {
    if (this.rules.size === 0) return undefined;
    let bin: string | null | undefined;
    const decision = this.rules.decide({
      ...request,
      bin: () => (bin === undefined ? (bin = request.bin()) : bin),
    });
    return decision.label === undefined ? undefined : decision;
  }
}
