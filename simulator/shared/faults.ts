/**
 * The fault vocabulary both simulators speak, once: the kinds they share (same name, same options),
 * the shape of a rule (`{ match?, fault, times?, probability?, seed? }`) and how rules fire. Each
 * simulator adds its own kinds and its own `match` fields (simulator/kaspi/faults.ts,
 * simulator/payment-service/faults/spec.ts); `chaos` builds its flags and help from these schemas,
 * so every option's `.describe()` is what a person reads.
 *
 * Of the rules that match a request, every `latency` fires and their delays add up; of the other
 * kinds the first installed one that fires wins. `times` removes a rule after N firings,
 * `probability` draws from the rule's own stream seeded by `seed`, so a run repeats.
 */
import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import { seededRandom } from './random.ts';

const milliseconds = z.number().int().min(0).max(600_000);

export const latencyFault = z
  .strictObject({
    kind: z.literal('latency'),
    ms: milliseconds.describe('milliseconds added before the answer'),
    jitterMs: milliseconds.optional().describe("up to this many more, drawn from the rule's seed"),
    distribution: z
      .enum(['uniform', 'normal', 'exponential'])
      .optional()
      .describe(
        'how the jitter is drawn: uniform in [0, jitter], |normal| with σ = jitter, exponential with mean jitter (default uniform)',
      ),
  })
  .describe('the answer comes late; latency adds up with other faults on the same request');

export const blackholeFault = z
  .strictObject({ kind: z.literal('blackhole') })
  .describe("the request is accepted and never answered: the client's own timeout must fire");

export const resetFault = z
  .strictObject({ kind: z.literal('reset') })
  .describe('the connection is reset (TCP RST) instead of an answer: ECONNRESET');

export const emptyReplyFault = z
  .strictObject({ kind: z.literal('empty-reply') })
  .describe('the connection closes without a byte of answer');

export const garbageFault = z
  .strictObject({
    kind: z.literal('garbage'),
    bytes: z.number().int().min(1).max(65_536).optional().describe('how many bytes (default 64)'),
  })
  .describe('seeded bytes that are not HTTP, then the connection closes');

export const httpStatusFault = z
  .strictObject({
    kind: z.literal('http-status'),
    status: z.number().int().min(200).max(599).describe('the HTTP status'),
    body: z
      .unknown()
      .optional()
      .describe(
        "the body: JSON, or text sent as an HTML page (a load balancer's); default: the simulator's own error body",
      ),
  })
  .describe('this HTTP status instead of the answer, as something in front of the service would send');

/** The kinds both simulators have. */
export const commonFaults = [
  latencyFault,
  blackholeFault,
  resetFault,
  emptyReplyFault,
  garbageFault,
  httpStatusFault,
] as const;

export type LatencyFault = z.infer<typeof latencyFault>;
export type GarbageFault = z.infer<typeof garbageFault>;
export type HttpStatusFault = z.infer<typeof httpStatusFault>;
export type CommonFault = z.infer<(typeof commonFaults)[number]>;

/** Kinds the socket carries out below HTTP (socket-faults.ts). */
export type SocketFault = Extract<CommonFault, { kind: 'blackhole' | 'reset' | 'empty-reply' | 'garbage' }>;

/** `match.method`: the same on both simulators. */
export const methodMatch = z
  .string()
  .min(1)
  .max(20)
  .describe("the request's HTTP method (any case; default every method)");

/** `times`, `probability` and `seed`: the same on both simulators. */
export const ruleFields = {
  times: z
    .number()
    .int()
    .min(1)
    .max(1_000_000_000)
    .optional()
    .describe('fire for the next N matching requests, then the rule is removed (default: until deleted)'),
  probability: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe('fire for this share of matching requests (default 1)'),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .optional()
    .describe(
      "seeds the rule's draws (probability, jitter, garbage bytes) so a run repeats (default random)",
    ),
};

/** A simulator's rule schema: its `match` fields, its fault kinds, and the shared rule fields. */
export function faultRuleSchema<M extends z.ZodType, F extends z.ZodType>(match: M, fault: F) {
  return z.strictObject({ match: match.optional(), fault, ...ruleFields });
}

export interface FaultRuleInput<M = unknown, F extends { kind: string } = { kind: string }> {
  match?: M;
  fault: F;
  times?: number;
  probability?: number;
  seed?: number;
}

export type FaultRule<I extends FaultRuleInput> = I & {
  id: string;
  /** Firings left; null without `times`. */
  remaining: number | null;
  fired: number;
};

/** Names the simulators used before they shared one vocabulary, and what to say instead. */
export const renamedFaultKinds: Readonly<Record<string, string>> = {
  slow: 'latency',
  hang: 'blackhole',
  status: 'http-status',
  flapping: 'any kind with probability and seed',
};

/** The one-line hint for a fault kind that was renamed, if `kind` is one. */
export function renamedKindHint(kind: unknown): string | undefined {
  if (typeof kind !== 'string' || !Object.hasOwn(renamedFaultKinds, kind)) return undefined;
  const now = kind === 'flapping' ? renamedFaultKinds[kind] : `"${renamedFaultKinds[kind]}"`;
  return `fault kind "${kind}" is now ${now}`;
}

/** How long a latency fault holds the answer, its jitter drawn from `random`. */
export function latencyDelay(fault: LatencyFault, random: () => number): number {
  const jitter = fault.jitterMs ?? 0;
  if (jitter === 0) return fault.ms;
  switch (fault.distribution ?? 'uniform') {
    case 'uniform':
      return fault.ms + Math.round(random() * jitter);
    case 'normal': {
      // Box–Muller; the half-normal keeps the added latency non-negative.
      const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      return fault.ms + Math.round(Math.abs(z) * jitter);
    }
    case 'exponential':
      return fault.ms + Math.round(-Math.log(1 - random()) * jitter);
  }
}

/**
 * The answer of an `http-status` fault: its body as JSON, a string body as an HTML page, or without
 * a body the simulator's own error body for the status's reason phrase.
 */
export function httpStatusAnswer(
  fault: HttpStatusFault,
  errorBody: (reason: string) => unknown,
): { status: number; text: string; html: boolean } {
  if (typeof fault.body === 'string') return { status: fault.status, text: fault.body, html: true };
  const body = fault.body === undefined ? errorBody(STATUS_CODES[fault.status] ?? 'Error') : fault.body;
  return { status: fault.status, text: JSON.stringify(body), html: false };
}

export interface FaultDecision<F extends { kind: string }> {
  /** The latency faults that fired, added up. */
  delayMs: number;
  /** The other fault that fired, if any. */
  fault?: Exclude<F, { kind: 'latency' }>;
  /** The kinds that fired, for the journal (`latency+reset`); undefined when none did. */
  label?: string;
  /** The draws of the rule that shaped the answer (garbage bytes). */
  random: () => number;
}

interface Active<I extends FaultRuleInput, R> {
  rule: FaultRule<I>;
  matches: (request: R) => boolean;
  random: () => number;
}

/**
 * The installed rules of one simulator. `matcher` turns a rule's `match` into a test of a request;
 * `onSpent` hears that a rule ran out of `times` and was removed.
 */
export class FaultRules<I extends FaultRuleInput, R> {
  private active: Active<I, R>[] = [];
  private nextId = 1;

  constructor(
    private readonly matcher: (input: I) => (request: R) => boolean,
    private readonly onSpent: () => void = () => undefined,
  ) {}

  add(input: I): FaultRule<I> {
    const rule = {
      ...input,
      id: `f${this.nextId++}`,
      remaining: input.times ?? null,
      fired: 0,
    } as FaultRule<I>;
    const seed = input.seed ?? Math.floor(Math.random() * 2 ** 32);
    this.active.push({ rule, matches: this.matcher(input), random: seededRandom(seed) });
    return { ...rule };
  }

  list(): FaultRule<I>[] {
    return this.active.map(({ rule }) => ({ ...rule }));
  }

  /** Removes one rule, or every rule without `id`; returns how many went. */
  remove(id?: string): number {
    const before = this.active.length;
    this.active = id === undefined ? [] : this.active.filter(({ rule }) => rule.id !== id);
    return before - this.active.length;
  }

  get size(): number {
    return this.active.length;
  }

  /** Whether an installed rule passes `select`. */
  some(select: (rule: FaultRule<I>) => boolean): boolean {
    return this.active.some(({ rule }) => select(rule));
  }

  /**
   * Decides the faults for one request and counts their firings. Rules that `skip` says are not
   * per request (a whole-service outage) are passed over.
   */
  decide(request: R, skip: (rule: FaultRule<I>) => boolean = () => false): FaultDecision<I['fault']> {
    let delayMs = 0;
    let chosen: Active<I, R> | undefined;
    const kinds: string[] = [];
    for (const entry of [...this.active]) {
      const { fault } = entry.rule;
      if (fault.kind !== 'latency' && chosen) continue;
      if (skip(entry.rule) || !entry.matches(request)) continue;
      if (!this.draw(entry)) continue;
      this.consume(entry);
      kinds.push(fault.kind);
      if (fault.kind === 'latency') delayMs += latencyDelay(fault as unknown as LatencyFault, entry.random);
      else chosen = entry;
    }
    return {
      delayMs,
      fault: chosen?.rule.fault as Exclude<I['fault'], { kind: 'latency' }> | undefined,
      label: kinds.length > 0 ? kinds.join('+') : undefined,
      random: chosen?.random ?? Math.random,
    };
  }

  /** One firing of the first rule that passes `select` and its draw (a TLS handshake's). */
  take(select: (rule: FaultRule<I>) => boolean): FaultRule<I> | undefined {
    const entry = this.active.find(({ rule }) => select(rule));
    if (!entry || !this.draw(entry)) return undefined;
    this.consume(entry);
    return { ...entry.rule };
  }

  private draw(entry: Active<I, R>): boolean {
    return entry.rule.probability === undefined || entry.random() < entry.rule.probability;
  }

  private consume(entry: Active<I, R>): void {
    entry.rule.fired += 1;
    if (entry.rule.remaining === null) return;
    entry.rule.remaining -= 1;
    if (entry.rule.remaining <= 0) {
      this.active = this.active.filter((other) => other !== entry);
      this.onSpent();
    }
  }
}
