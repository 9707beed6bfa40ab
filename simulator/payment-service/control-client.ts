/** Typed access to the payment-service simulator's control API, over HTTP (usable from any vitest worker). */
import { controlCaller, type ControlCall } from '../../platform/http/control-client.ts';
import type {
  ConfigAnswer,
  ConfigPatchBody,
  ConfigsAnswer,
  ControlStateDetail as ControlState,
  DeleteAnswer,
  LogsAnswer,
  RequestsAnswer,
} from './control-schemas.ts';
import type { Served } from './journal.ts';
import type { LogFilter, PaymentConfigRow, PaymentLogRow } from './store.ts';
import type { DriftEntry } from './contracts/drift.ts';
import type { Profile } from './contracts/profile.ts';
import type { FaultMatch, FaultRule, FaultRuleInput, FaultSpec } from './faults/spec.ts';
import type { PollRun } from './payments/poller.ts';
import type { ClockSnapshot } from '../shared/clock.ts';
import type { ClockChange } from '../shared/control-clock.ts';
import type { ServedProfile } from './control-tools.ts';

export type {
  ConfigPatchBody as ConfigPatch,
  ControlState,
  Served as ServedRequest,
  DriftEntry,
  FaultMatch,
  FaultRule,
  FaultRuleInput,
  FaultSpec,
  PollRun,
  Profile,
  ServedProfile,
};

export class PaymentServiceControlClient {
  private readonly call: ControlCall;

  constructor(controlUrl: string) {
    this.call = controlCaller(controlUrl, 'payment-service control');
  }

  /** Closes the service listener: connections are refused until up(). */
  down(): Promise<ControlState> {
    return this.call('POST', '/control/down');
  }

  /** Listens again, on the same port. */
  up(): Promise<ControlState> {
    return this.call('POST', '/control/up');
  }

  state(): Promise<ControlState> {
    return this.call('GET', '/control/state');
  }

  /** Configs back to the fixtures exactly, logs and request journal emptied, service up. */
  reset(): Promise<ControlState> {
    return this.call('POST', '/control/reset');
  }

  async logs(filter: LogFilter = {}): Promise<PaymentLogRow[]> {
    const query = new URLSearchParams();
    if (filter.shop_id !== undefined) query.set('shop_id', String(filter.shop_id));
    if (filter.external_id !== undefined) query.set('external_id', filter.external_id);
    const suffix = query.size > 0 ? `?${query}` : '';
    return (await this.call<LogsAnswer>('GET', `/control/logs${suffix}`)).logs;
  }

  async configs(): Promise<PaymentConfigRow[]> {
    return (await this.call<ConfigsAnswer>('GET', '/control/configs')).configs;
  }

  /** Creates or partially updates a shop's config (creating one needs organization_bin). */
  async putConfig(shopId: number, patch: ConfigPatchBody): Promise<PaymentConfigRow> {
    return (await this.call<ConfigAnswer>('PUT', `/control/configs/${shopId}`, patch)).config;
  }

  /** Removes the shop's config entirely: the service then answers 404 for it. */
  async deleteConfig(shopId: number): Promise<boolean> {
    return (await this.call<DeleteAnswer>('DELETE', `/control/configs/${shopId}`)).deleted;
  }

  async requests(limit?: number): Promise<Served[]> {
    const suffix = limit === undefined ? '' : `?limit=${limit}`;
    return (await this.call<RequestsAnswer>('GET', `/control/requests${suffix}`)).requests;
  }

  async profile(): Promise<string> {
    return (await this.contract()).profile;
  }

  /** The contract served now, the one a reset restores (the run's declared contract), and its routes. */
  async contract(): Promise<ServedProfile> {
    return this.call<ServedProfile>('GET', '/control/profile');
  }

  /**
   * Serve another contract from now on: guide, deployed, both, or `{ openapi: path | JSON text | object }`.
   * `start`: a reset returns to it too (a stack's declared contract).
   */
  async setProfile(profile: Profile, options: { start?: boolean } = {}): Promise<string> {
    return (
      await this.call<ServedProfile>('PUT', '/control/profile', {
        profile,
        ...(options.start ? { start: true } : {}),
      })
    ).profile;
  }

  /** Requests to routes the profile does not serve, with the nearest served routes. */
  async drift(): Promise<DriftEntry[]> {
    return (await this.call<{ drift: DriftEntry[] }>('GET', '/control/drift')).drift;
  }

  async clearDrift(): Promise<void> {
    await this.call('DELETE', '/control/drift');
  }

  /** Installs a fault rule; returns its id. */
  async addFault(rule: FaultRuleInput): Promise<string> {
    return (await this.call<{ id: string }>('POST', '/control/faults', rule)).id;
  }

  async faults(): Promise<FaultRule[]> {
    return (await this.call<{ faults: FaultRule[] }>('GET', '/control/faults')).faults;
  }

  /** Removes one fault, or all of them; returns how many were removed. */
  async removeFaults(id?: string): Promise<number> {
    const path = id === undefined ? '/control/faults' : `/control/faults/${encodeURIComponent(id)}`;
    return (await this.call<{ removed: number }>('DELETE', path)).removed;
  }

  async clock(): Promise<ClockSnapshot> {
    return (await this.call<{ clock: ClockSnapshot }>('GET', '/control/clock')).clock;
  }

  /** Freezes, sets or advances the clock; answers once the poller has run what became due. */
  async changeClock(change: ClockChange): Promise<{ clock: ClockSnapshot; polls: PollRun[] }> {
    return this.call('POST', '/control/clock', change);
  }

  async polls(): Promise<PollRun[]> {
    return (await this.call<{ polls: PollRun[] }>('GET', '/control/polls')).polls;
  }
}
