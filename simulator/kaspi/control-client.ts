/**
 * Typed client of the control API, for scenarios that run in other processes or vitest workers.
 */
import type { Organization } from '../../fixtures/organizations.ts';
import { ControlApiError, controlCaller, type ControlCall } from '../../platform/http/control-client.ts';
import type { Transition } from './endpoints.ts';
import type { FaultRule, FaultRuleInput } from './faults.ts';
import type { JournalEntry, JournalFilter, LedgerRow, Purchase, PurchaseFilter, Refund } from './types.ts';

export type { FaultRule, FaultRuleInput, FaultSpec, FaultMatch } from './faults.ts';

export interface SimulatorInfo {
  kaspiUrl: string;
  controlUrl: string;
  journalSize: number;
  journalCapacity: number;
  journalTotal: number;
  faults: number;
}

export interface TradePointState {
  tradePointId: number;
  tradePointName: string;
  organizationBin: string;
  enabled: boolean;
  acceptsQr: boolean;
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
  private readonly call: ControlCall;

  constructor(controlUrl: string) {
    this.baseUrl = controlUrl.replace(/\/+$/, '');
    this.call = controlCaller(controlUrl, 'kaspi control');
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
      if (error instanceof ControlApiError && error.httpStatus === 404) return undefined;
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

  async info(): Promise<SimulatorInfo> {
    return this.call<SimulatorInfo>('GET', '/control/info');
  }

  /** The journal as the downloadable JSON file (`GET /control/journal/download`). */
  async downloadJournal(filter: JournalFilter = {}): Promise<{ fileName: string; entries: JournalEntry[] }> {
    const response = await fetch(`${this.baseUrl}/control/journal/download${query({ ...filter })}`);
    if (!response.ok)
      throw new ControlApiError(
        response.status,
        'download_failed',
        'journal download failed',
        'kaspi control',
      );
    const disposition = response.headers.get('content-disposition') ?? '';
    const fileName = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'kaspi-journal.json';
    return { fileName, entries: (await response.json()) as JournalEntry[] };
  }

  /** Replaces the merchants (fixtures when omitted) and resets purchases, journal and faults. */
  async seed(organizations?: readonly Organization[]): Promise<number> {
    return (
      await this.call<{ organizations: number }>(
        'POST',
        '/control/seed',
        organizations === undefined ? {} : { organizations },
      )
    ).organizations;
  }

  /** Moves a purchase like Kaspi's `/test/payment/*` emulators; a wrong status throws (HTTP 409). */
  async emulate(qrPaymentId: number, transition: Transition): Promise<Purchase> {
    return (
      await this.call<{ purchase: Purchase }>('POST', `/control/purchases/${qrPaymentId}/${transition}`)
    ).purchase;
  }

  async refunds(filter: { bin?: string; qrPaymentId?: number } = {}): Promise<Refund[]> {
    return (await this.call<{ refunds: Refund[] }>('GET', `/control/refunds${query({ ...filter })}`)).refunds;
  }

  /** Installs a fault rule; returns its id. */
  async addFault(rule: FaultRuleInput): Promise<string> {
    return (await this.call<{ id: string }>('POST', '/control/faults', rule)).id;
  }

  async faults(): Promise<FaultRule[]> {
    return (await this.call<{ faults: FaultRule[] }>('GET', '/control/faults')).faults;
  }

  /** Removes one rule, or every rule when `id` is omitted; returns how many were removed. */
  async removeFaults(id?: string): Promise<number> {
    const path = id === undefined ? '/control/faults' : `/control/faults/${encodeURIComponent(id)}`;
    return (await this.call<{ removed: number }>('DELETE', path)).removed;
  }
}
