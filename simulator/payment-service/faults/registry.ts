/**
 * The installed faults of the payment-service simulator, on the shared rules
 * (simulator/shared/faults.ts). A whole-service `down` (no match) and `tls-failure` are not per
 * request: the server reacts to them when they are installed or removed (see onChange).
 */
import { FaultRules, type FaultDecision as SharedDecision } from '../../shared/faults.ts';
import type { FaultRule, FaultRuleInput, FaultSpec } from './spec.ts';

export interface FaultRequest {
  method: string;
  path: string;
  /** The served route's key (`GET /admin/configs/{shop_id}`), if the request matched one. */
  route?: string;
}

export type FaultDecision = SharedDecision<FaultSpec>;
export type AnswerFault = NonNullable<FaultDecision['fault']>;

const glob = (text: string): RegExp =>
  new RegExp(
    `^${text
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );

/** A rule's match as a test of a request; see `faultMatch` for what `path` means. */
export function matcher(input: FaultRuleInput): (request: FaultRequest) => boolean {
  const method = input.match?.method?.toUpperCase();
  const path = input.match?.path === undefined ? undefined : glob(input.match.path.trim());
  return (request) =>
    (method === undefined || request.method.toUpperCase() === method) &&
    (path === undefined ||
      path.test(request.path) ||
      (request.route !== undefined && path.test(request.route.split(' ')[1] ?? '')));
}

/** Whole-service faults: nothing to match on (no method, no path or `*`). */
export const isGlobal = (input: Pick<FaultRuleInput, 'match'>): boolean =>
  input.match?.method === undefined && (input.match?.path === undefined || input.match.path.trim() === '*');

const perRequest = (rule: FaultRuleInput): boolean =>
  rule.fault.kind !== 'tls-failure' && !(rule.fault.kind === 'down' && isGlobal(rule));

export class FaultRegistry {
  private readonly rules: FaultRules<FaultRuleInput, FaultRequest>;

  constructor(private readonly onChange: () => Promise<void> | void = () => undefined) {
    this.rules = new FaultRules(matcher, () => void this.onChange());
  }

  async add(input: FaultRuleInput): Promise<FaultRule> {
    const rule = this.rules.add(input);
    await this.onChange();
    return rule;
  }

  list(): FaultRule[] {
    return this.rules.list();
  }

  async remove(id?: string): Promise<number> {
    const removed = this.rules.remove(id);
    if (removed > 0) await this.onChange();
    return removed;
  }

  /** Whether a fault of this kind is installed: whole-service only, or in any scope. */
  has(kind: 'down' | 'tls-failure', scope: 'global' | 'any' = 'global'): boolean {
    return this.rules.some((rule) => rule.fault.kind === kind && (scope === 'any' || isGlobal(rule)));
  }

  /** One TLS handshake: true (a firing counted) when it must fail. */
  takeTlsFailure(): boolean {
    return this.rules.take((rule) => rule.fault.kind === 'tls-failure') !== undefined;
  }

  decide(request: FaultRequest): FaultDecision {
    return this.rules.decide(request, (rule) => !perRequest(rule));
  }
}
