/**
 * The installed faults and the decision for one request: slow faults add up, and of the others the
 * first installed one that matches (and, when flapping, wins its seeded draw) shapes the answer.
 * A whole-service `down` and `tls-failure` are not per request: the server reacts to them when
 * they are installed or removed (see onChange).
 */
import { seededRandom } from '../../shared/random.ts';
import type { FaultInput, HttpFault, InstalledFault } from './spec.ts';

export interface FaultRequest {
  method: string;
  path: string;
  /** The served route's key (`GET /admin/configs/{shop_id}`), if the request matched one. */
  route?: string;
}

export type AnswerFault = Exclude<HttpFault, { kind: 'slow' }>;

export interface FaultDecision {
  delayMs: number;
  fault?: AnswerFault;
  /** `slow+status`: for the journal. */
  label?: string;
}

interface Active {
  fault: InstalledFault;
  matches: (request: FaultRequest) => boolean;
  random: () => number;
}

/** `*` matches anything (slashes included); a pattern without a method matches every method. */
export function routeMatcher(pattern: string | undefined): (request: FaultRequest) => boolean {
  if (pattern === undefined || pattern.trim() === '*') return () => true;
  const [first = '', ...rest] = pattern.trim().split(/\s+/);
  const hasMethod = rest.length > 0;
  const method = hasMethod ? first.toUpperCase() : '*';
  const path = hasMethod ? rest.join(' ') : first;
  const glob = (text: string) =>
    new RegExp(
      `^${text
        .split('*')
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
  const methodRe = glob(method);
  const pathRe = glob(path);
  return (request) =>
    methodRe.test(request.method) &&
    (pathRe.test(request.path) ||
      (request.route !== undefined && pathRe.test(request.route.split(' ')[1] ?? '')));
}

/** Whole-service faults: no route (or `*`) given. */
export const isGlobal = (input: FaultInput): boolean =>
  input.route === undefined || input.route.trim() === '*';

export class FaultRegistry {
  private active: Active[] = [];
  private nextId = 1;

  constructor(private readonly onChange: () => Promise<void> | void = () => undefined) {}

  async add(input: FaultInput): Promise<InstalledFault> {
    const fault: InstalledFault = {
      ...input,
      id: `f${this.nextId++}`,
      remaining: input.times ?? null,
      fired: 0,
    };
    const seed =
      input.fault.kind === 'flapping'
        ? input.fault.seed
        : input.fault.kind === 'slow'
          ? input.fault.seed
          : undefined;
    this.active.push({
      fault,
      matches: routeMatcher(input.route),
      random: seededRandom(seed ?? Math.floor(Math.random() * 2 ** 32)),
    });
    await this.onChange();
    return { ...fault };
  }

  list(): InstalledFault[] {
    return this.active.map(({ fault }) => ({ ...fault }));
  }

  async remove(id?: string): Promise<number> {
    const before = this.active.length;
    this.active = id === undefined ? [] : this.active.filter(({ fault }) => fault.id !== id);
    const removed = before - this.active.length;
    if (removed > 0) await this.onChange();
    return removed;
  }

  /** Whether a whole-service fault of this kind is installed (down, tls-failure). */
  has(kind: 'down' | 'tls-failure', scope: 'global' | 'any' = 'global'): boolean {
    return this.active.some(({ fault }) => fault.fault.kind === kind && (scope === 'any' || isGlobal(fault)));
  }

  /** One TLS handshake: consumes a tls-failure firing; true when the handshake must fail. */
  takeTlsFailure(): boolean {
    const found = this.active.find(({ fault }) => fault.fault.kind === 'tls-failure');
    if (!found) return false;
    this.consume(found);
    return true;
  }

  decide(request: FaultRequest): FaultDecision {
    let delayMs = 0;
    const labels: string[] = [];
    let chosen: AnswerFault | undefined;
    for (const entry of [...this.active]) {
      const spec = entry.fault.fault;
      if (spec.kind === 'tls-failure' || (spec.kind === 'down' && isGlobal(entry.fault))) continue;
      if (!entry.matches(request)) continue;
      const effective: HttpFault = spec.kind === 'flapping' ? spec.fault : spec;
      if (spec.kind === 'flapping' && entry.random() >= spec.probability) continue;
      if (effective.kind === 'slow') {
        delayMs += slowDelay(effective, entry.random);
      } else if (chosen === undefined) {
        chosen = effective;
      } else continue;
      labels.push(spec.kind === 'flapping' ? `flapping:${effective.kind}` : effective.kind);
      this.consume(entry);
    }
    return { delayMs, fault: chosen, label: labels.length > 0 ? labels.join('+') : undefined };
  }

  private consume(entry: Active): void {
    entry.fault.fired += 1;
    if (entry.fault.remaining === null) return;
    entry.fault.remaining -= 1;
    if (entry.fault.remaining <= 0) {
      this.active = this.active.filter((other) => other !== entry);
      void this.onChange();
    }
  }
}

function slowDelay(fault: Extract<HttpFault, { kind: 'slow' }>, random: () => number): number {
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
