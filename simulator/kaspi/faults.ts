/**
 * Fault injection rules: what the control API's `POST /control/faults` installs and the Kaspi
 * listener consults for every request. A rule matches by path, scheme, method and BIN, fires for the
 * next N matching requests or with a seeded probability, and says how the answer goes wrong.
 *
 * Latency rules add up; of the other kinds the first matching rule that fires wins. Socket-level
 * kinds are carried out by http-adapter.ts on the raw socket, below msw.
 */
import { z } from 'zod';
import { seededRandom } from '../shared/random.ts';
import type { Scheme } from './types.ts';

export const socketFaultKinds = ['reset', 'empty-reply', 'hang', 'garbage'] as const;
export type SocketFaultKind = (typeof socketFaultKinds)[number];

export const faultSpec = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('status-code'),
    statusCode: z.number().int(),
    /** HTTP status of the answer; Kaspi reports business failures with 200. */
    httpStatus: z.number().int().min(100).max(599).optional(),
    message: z.string().max(1000).optional(),
  }),
  z.strictObject({ kind: z.literal('latency'), ms: z.number().int().min(0).max(600_000) }),
  z.strictObject({ kind: z.literal('reset') }),
  z.strictObject({ kind: z.literal('empty-reply') }),
  z.strictObject({ kind: z.literal('hang') }),
  z.strictObject({ kind: z.literal('garbage'), bytes: z.number().int().min(1).max(65_536).optional() }),
  /**
   * The right answer with a header block of another size: interim `103 Early Hints` answers before
   * it (default 1) and extra `Set-Cookie` bytes in it (default 2048), as a load balancer in front of
   * Kaspi might add (header-block.ts). A client that takes the body from CURLINFO_HEADER_SIZE reads it as always; one
   * that splits at the first blank line or at a fixed offset reads something else.
   */
  z.strictObject({
    kind: z.literal('header-block'),
    earlyHints: z.number().int().min(0).max(5).optional(),
    extraBytes: z.number().int().min(0).max(32_768).optional(),
  }),
]);
export type FaultSpec = z.infer<typeof faultSpec>;

export const faultMatch = z.strictObject({
  /** Path segments the request path must contain, e.g. `qr/create` (not `qr/create-link`). */
  path: z.string().min(1).max(500).optional(),
  scheme: z.enum(['r1', 'r2', 'r3']).optional(),
  method: z.string().min(1).max(20).optional(),
  bin: z.string().min(1).max(32).optional(),
});
export type FaultMatch = z.infer<typeof faultMatch>;

export const faultRuleInput = z.strictObject({
  match: faultMatch.optional(),
  fault: faultSpec,
  /** Fire for the next N matching requests, then the rule is removed. Absent: until deleted. */
  times: z.number().int().min(1).max(1e9).optional(),
  /** Fire for this share of matching requests, drawn from `seed` so runs repeat. */
  probability: z.number().min(0).max(1).optional(),
  seed: z.number().int().optional(),
});
export type FaultRuleInput = z.infer<typeof faultRuleInput>;

export interface FaultRule extends FaultRuleInput {
  id: string;
  /** Firings left; `null` when the rule has no `times`. */
  remaining: number | null;
  fired: number;
}

/** What the listener must do for one request. */
export interface FaultDecision {
  delayMs: number;
  /** The non-latency fault that fired, if any. */
  fault?: Exclude<FaultSpec, { kind: 'latency' }>;
  /** Kinds that fired, for the journal (`latency+reset`). */
  label: string;
  /** Seeded bytes for `garbage`, so a failing run can be replayed. */
  random(): number;
}

export interface FaultRequest {
  method: string;
  path: string;
  /** Resolved lazily: only rules with `match.bin` pay for it. */
  bin(): string | null;
}

interface ActiveRule {
  rule: FaultRule;
  random(): number;
  segments: string | undefined;
}

const schemeOf = (path: string): Scheme | undefined =>
  (/^\/(r[123])\/v0\d\//.exec(path)?.[1] as Scheme | undefined) ?? undefined;

export class FaultRegistry {
  private rules: ActiveRule[] = [];
  private nextId = 1;

  /** Validated input (see `faultRuleInput`); returns the installed rule. */
  add(input: FaultRuleInput): FaultRule {
    const rule: FaultRule = { ...input, id: `f${this.nextId++}`, remaining: input.times ?? null, fired: 0 };
    const seed = input.seed ?? Math.floor(Math.random() * 2 ** 32);
    const path = input.match?.path?.replace(/^\/+|\/+$/g, '');
    this.rules.push({ rule, random: seededRandom(seed), segments: path ? `/${path}/` : undefined });
    return { ...rule };
  }

  list(): FaultRule[] {
    return this.rules.map(({ rule }) => ({ ...rule }));
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter(({ rule }) => rule.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  get size(): number {
    return this.rules.length;
  }

  /** Decides the faults for one request and counts the firings; `undefined` when none fire. */
  decide(request: FaultRequest): FaultDecision | undefined {
    if (this.rules.length === 0) return undefined;
    let delayMs = 0;
    let fault: FaultDecision['fault'];
    let random: (() => number) | undefined;
    const kinds: string[] = [];
    let bin: string | null | undefined;
    for (const active of [...this.rules]) {
      const { rule } = active;
      if (rule.fault.kind !== 'latency' && fault) continue;
      const match = rule.match;
      if (match?.method !== undefined && match.method.toUpperCase() !== request.method.toUpperCase())
        continue;
      if (match?.scheme !== undefined && schemeOf(request.path) !== match.scheme) continue;
      if (active.segments !== undefined && !`${request.path}/`.includes(active.segments)) continue;
      if (match?.bin !== undefined && (bin ??= request.bin()) !== match.bin) continue;
      if (rule.probability !== undefined && active.random() >= rule.probability) continue;

      rule.fired += 1;
      if (rule.remaining !== null) {
        rule.remaining -= 1;
        if (rule.remaining <= 0) this.remove(rule.id);
      }
      kinds.push(rule.fault.kind);
      if (rule.fault.kind === 'latency') delayMs += rule.fault.ms;
      else {
        fault = rule.fault;
        random = active.random;
      }
    }
    if (kinds.length === 0) return undefined;
    return { delayMs, fault, label: kinds.join('+'), random: random ?? Math.random };
  }
}
