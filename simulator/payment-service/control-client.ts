/** Typed access to the payment-service simulator's control API, over HTTP (usable from any vitest worker). */
import type {
  ConfigAnswer,
  ConfigPatchBody,
  ConfigsAnswer,
  ControlState,
  DeleteAnswer,
  LogsAnswer,
  RequestsAnswer,
} from './control-schemas.ts';
import type { Served } from './http.ts';
import type { LogFilter, PaymentConfigRow, PaymentLogRow } from './store.ts';

export type { ConfigPatchBody as ConfigPatch, ControlState, Served as ServedRequest };

export class PaymentServiceControlClient {
  private readonly base: string;

  constructor(controlUrl: string) {
    this.base = controlUrl.replace(/\/+$/, '');
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

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) {
      throw new Error(`payment-service control ${method} ${path} failed: ${response.status} ${text}`);
    }
    return JSON.parse(text) as T;
  }
}
