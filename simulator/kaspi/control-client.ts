/**
 * Typed client of the control API, for scenarios that run in other processes or vitest workers.
 */
import type { JournalEntry, JournalFilter, LedgerRow, Purchase, PurchaseFilter } from './types.ts';

export interface TradePointState {
  tradePointId: number;
  tradePointName: string;
  organizationBin: string;
  enabled: boolean;
  acceptsQr: boolean;
}

export class KaspiControlError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'KaspiControlError';
  }
}

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) search.set(key, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

export class KaspiControlClient {
  private readonly baseUrl: string;

  constructor(controlUrl: string) {
    this.baseUrl = controlUrl.replace(/\/+$/, '');
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const payload: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const error = (payload as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new KaspiControlError(
        response.status,
        error?.code ?? 'unknown',
        error?.message ?? `${method} ${path} answered HTTP ${response.status}`,
      );
    }
    return payload as T;
  }

  async reset(): Promise<void> {
    await this.call<{ ok: true }>('POST', '/control/reset');
  }

  async health(): Promise<boolean> {
    return (await this.call<{ ok: boolean }>('GET', '/control/health')).ok;
  }

  async purchases(filter: PurchaseFilter = {}): Promise<Purchase[]> {
    return (await this.call<{ purchases: Purchase[] }>('GET', `/control/purchases${query({ ...filter })}`))
      .purchases;
  }

  /** `undefined` when the simulator has no such purchase. */
  async purchase(qrPaymentId: number): Promise<Purchase | undefined> {
    try {
      return (await this.call<{ purchase: Purchase }>('GET', `/control/purchases/${qrPaymentId}`)).purchase;
    } catch (error) {
      if (error instanceof KaspiControlError && error.httpStatus === 404) return undefined;
      throw error;
    }
  }

  async journal(filter: JournalFilter = {}): Promise<JournalEntry[]> {
    return (await this.call<{ entries: JournalEntry[] }>('GET', `/control/journal${query({ ...filter })}`))
      .entries;
  }

  async ledger(): Promise<LedgerRow[]> {
    return (await this.call<{ ledger: LedgerRow[] }>('GET', '/control/ledger')).ledger;
  }

  async updateTradePoint(
    tradePointId: number,
    change: { enabled?: boolean; acceptsQr?: boolean },
  ): Promise<TradePointState> {
    return (
      await this.call<{ tradePoint: TradePointState }>(
        'POST',
        `/control/trade-points/${tradePointId}`,
        change,
      )
    ).tradePoint;
  }
}
