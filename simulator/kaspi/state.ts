/**
 * The Kaspi side of the world, without HTTP. `KaspiState` is the one facade handlers, the control
 * API and in-process users go through, so every way into the simulator enforces the same rules. The
 * work is split by job: `Merchants` (BIN → trade points → devices), `PurchaseBook` (purchases and
 * their timeouts), `RefundDesk` (refunds, r2 return QRs), `RemoteDesk` (remote invoices), `Ledger`
 * (running balance per BIN).
 */
import type { Organization } from '../../fixtures/organizations.ts';
import { Ledger } from './ledger.ts';
import {
  Merchants,
  defaultPaymentMethods,
  type DeviceView,
  type TradePointChange,
  type TradePointView,
} from './merchants.ts';
import { fail, fromCents, isValidAmount, ok, toCents, type Outcome } from './outcome.ts';
import type { Transition } from './endpoints.ts';
import { PurchaseBook, type CreatedPurchase } from './purchase-book.ts';
import { RefundDesk, type CreatedReturn, type RefundInput, type ReturnOperation } from './refund-desk.ts';
import { RemoteDesk } from './remote-desk.ts';
import { StatusCode } from './status-codes.ts';
import { SimulatorClock, defaultUtcOffsetMinutes, type Clock } from '../shared/clock.ts';
import type {
  LedgerRow,
  Purchase,
  PurchaseFilter,
  PurchaseKind,
  PurchaseStatus,
  Refund,
  ReturnStatus,
  Scheme,
} from './types.ts';

export { behaviour, type CreatedPurchase } from './purchase-book.ts';
export { isValidAmount, type Outcome };
export { maxAmount } from './outcome.ts';
export type { DeviceView, ResolvedDevice, TradePointChange, TradePointView } from './merchants.ts';
export type { CreatedReturn, RefundInput, ReturnOperation } from './refund-desk.ts';

/** The default payment methods of a trade point (each trade point can change its own). */
export const paymentMethods: readonly string[] = defaultPaymentMethods;

export interface CreatePurchaseInput {
  deviceToken: string;
  amount: number;
  externalId?: string | null;
  /** Present on r3: the BIN the partner says it is charging for. */
  organizationBin?: string;
}

export interface KaspiStateOptions {
  organizations: readonly Organization[];
  /** Base clock under the simulator clock (default: system time). */
  now?: Clock;
  utcOffsetMinutes?: number;
  /** First purchase id handed out; ids only grow, even across reset(), so stale ids never collide. */
  firstPaymentId?: number;
  /**
   * r3: refuse (-1501) a DeviceToken that is not registered under the named OrganizationBin. Real
   * Kaspi's behaviour here is undocumented; refusing is what protects sellers, so it is the default.
   */
  requireBinOwnsDevice?: boolean;
}

/** `payment/details` (r2, r3). */
export interface PaymentDetails {
  qrPaymentId: number;
  totalAmount: number;
  availableReturnAmount: number;
  transactionDate: string;
}

/** `v02/payment/status`: the richer status seen in the wild. */
export interface StatusDetails {
  status: PurchaseStatus;
  transactionId: string | null;
  loanOfferName: string | null;
  loanTerm: number | null;
  isOffer: boolean;
  productType: string | null;
  amount: number;
  storeName: string;
  address: string;
  city: string;
}

export class KaspiState {
  readonly clock: SimulatorClock;
  readonly utcOffsetMinutes: number;
  readonly requireBinOwnsDevice: boolean;
  private readonly merchants: Merchants;
  private readonly ledgerBook = new Ledger();
  private readonly book: PurchaseBook;
  private readonly refundDesk: RefundDesk;
  private readonly remoteDesk: RemoteDesk;

  constructor(options: KaspiStateOptions) {
    this.clock = new SimulatorClock(options.now);
    this.utcOffsetMinutes = options.utcOffsetMinutes ?? defaultUtcOffsetMinutes;
    this.requireBinOwnsDevice = options.requireBinOwnsDevice ?? true;
    this.merchants = new Merchants(options.organizations, this.requireBinOwnsDevice);
    const now = this.clock.now;
    this.book = new PurchaseBook(
      now,
      this.utcOffsetMinutes,
      this.ledgerBook,
      options.firstPaymentId ?? 100_000_001,
    );
    this.refundDesk = new RefundDesk(now, this.merchants, this.book);
    this.remoteDesk = new RemoteDesk(now, this.merchants, this.book);
  }

  /** The simulator's current time (epoch ms), as every timeout sees it. */
  get now(): Clock {
    return this.clock.now;
  }

  /**
   * Back to the seeded merchants with no purchases, refunds or balances, and the clock back on
   * real time. Purchase ids keep growing.
   */
  reset(): void {
    this.merchants.reset();
    this.book.clear();
    this.refundDesk.clear();
    this.remoteDesk.clear();
    this.ledgerBook.clear();
    this.clock.reset();
  }

  /** Replaces the merchants with `organizations`, then resets as `reset()` does. */
  seed(organizations: readonly Organization[]): void {
    this.merchants.reseed(organizations);
    this.reset();
  }

  // --- merchants -------------------------------------------------------------------------------

  /** The organizations the merchants were seeded with: BINs and names. */
  organizations(): Organization[] {
    return this.merchants.seeded();
  }

  tradePoints(organizationBin?: string): Outcome<TradePointView[]> {
    return this.merchants.tradePoints(organizationBin);
  }

  tradePoint(tradePointId: number): TradePointView | undefined {
    return this.merchants.tradePoint(tradePointId);
  }

  /** Scenario knob: disable, refuse QR, remove payment methods, forbid partial refunds. */
  updateTradePoint(tradePointId: number, change: TradePointChange): TradePointView | undefined {
    return this.merchants.update(tradePointId, change);
  }

  /** Scenario knob: the trade point is gone; its devices answer -99000002. */
  removeTradePoint(tradePointId: number): boolean {
    return this.merchants.remove(tradePointId);
  }

  device(deviceToken: string): DeviceView | undefined {
    return this.merchants.device(deviceToken);
  }

  registerDevice(input: {
    deviceId: string;
    tradePointId: number;
    organizationBin?: string;
  }): Outcome<{ deviceToken: string }> {
    return this.merchants.register(input);
  }

  deleteDevice(input: { deviceToken: string; organizationBin?: string }): Outcome<null> {
    return this.merchants.delete(input);
  }

  // --- purchases -------------------------------------------------------------------------------

  createPurchase(kind: PurchaseKind, scheme: Scheme, input: CreatePurchaseInput): Outcome<CreatedPurchase> {
    const resolved = this.merchants.resolve(input.deviceToken, input.organizationBin);
    if (!resolved.ok) return resolved;
    const { tradePoint } = resolved.value;
    if (!tradePoint.acceptsQr) {
      return fail(StatusCode.tradePointDoesNotAcceptQr, 'Trade point does not accept QR');
    }
    if (!isValidAmount(input.amount)) return fail(StatusCode.wrongAmount, 'Wrong amount');
    if (tradePoint.paymentMethods.length === 0) {
      return fail(StatusCode.noPaymentMethods, 'No payment methods available');
    }
    return ok(
      this.book.create({
        kind,
        scheme,
        resolved: resolved.value,
        amount: input.amount,
        externalId: input.externalId ?? null,
      }),
    );
  }

  status(qrPaymentId: number): Outcome<PurchaseStatus> {
    return this.book.status(qrPaymentId);
  }

  statusDetails(qrPaymentId: number): Outcome<StatusDetails> {
    const record = this.book.record(qrPaymentId);
    if (!record) return fail(StatusCode.purchaseNotFound, 'Purchase not found');
    const { purchase } = record;
    return ok({
      status: purchase.status,
      transactionId: record.transactionId,
      loanOfferName: null,
      loanTerm: null,
      isOffer: false,
      productType: record.productType,
      amount: purchase.amount,
      storeName: record.storeName,
      address: 'harness street 1',
      city: 'Almaty',
    });
  }

  /** No BIN even on r3 (per the document); the purchase must belong to the device's trade point. */
  paymentDetails(input: { qrPaymentId: number; deviceToken: string }): Outcome<PaymentDetails> {
    const device = this.merchants.device(input.deviceToken);
    if (!device) return fail(StatusCode.deviceNotFound, 'Device not found');
    const record = this.book.record(input.qrPaymentId);
    if (!record || record.purchase.tradePointId !== device.tradePointId) {
      return fail(StatusCode.purchaseNotFound, 'Purchase not found');
    }
    const { purchase } = record;
    return ok({
      qrPaymentId: purchase.qrPaymentId,
      totalAmount: purchase.amount,
      availableReturnAmount: fromCents(this.book.availableCents(record)),
      transactionDate: purchase.paidAt ?? purchase.createdAt,
    });
  }

  emulate(transition: Transition, qrPaymentId: number): Outcome<Purchase> {
    return this.book.emulate(transition, qrPaymentId);
  }

  purchase(qrPaymentId: number): Purchase | undefined {
    const record = this.book.record(qrPaymentId);
    return record && { ...record.purchase };
  }

  purchases(filter: PurchaseFilter = {}): Purchase[] {
    const result: Purchase[] = [];
    for (const { purchase: p } of this.book.all()) {
      if (filter.bin !== undefined && p.organizationBin !== filter.bin) continue;
      if (filter.externalId !== undefined && p.externalId !== filter.externalId) continue;
      if (filter.deviceToken !== undefined && p.deviceToken !== filter.deviceToken) continue;
      if (filter.qrPaymentId !== undefined && p.qrPaymentId !== filter.qrPaymentId) continue;
      result.push({ ...p });
    }
    return result;
  }

  // --- refunds ---------------------------------------------------------------------------------

  refund(input: RefundInput): Outcome<{ returnOperationId: number }> {
    return this.refundDesk.refund(input);
  }

  refunds(filter: { bin?: string; qrPaymentId?: number } = {}): Refund[] {
    return this.refundDesk
      .refunds()
      .filter(
        (r) =>
          (filter.bin === undefined || r.organizationBin === filter.bin) &&
          (filter.qrPaymentId === undefined || r.qrPaymentId === filter.qrPaymentId),
      );
  }

  createReturn(input: { deviceToken: string; externalId: string | null }): Outcome<CreatedReturn> {
    return this.refundDesk.createReturn(input);
  }

  returnStatus(qrReturnId: number): Outcome<ReturnStatus> {
    return this.refundDesk.returnStatus(qrReturnId);
  }

  scanReturn(qrReturnId: number): Outcome<null> {
    return this.refundDesk.scanReturn(qrReturnId);
  }

  returnOperations(input: {
    deviceToken: string;
    qrReturnId: number;
    maxResult: number;
  }): Outcome<ReturnOperation[]> {
    return this.refundDesk.returnOperations(input);
  }

  // --- remote invoices -------------------------------------------------------------------------

  clientInfo(input: { deviceToken: string; phoneNumber: string }): Outcome<{ clientName: string }> {
    return this.remoteDesk.clientInfo(input);
  }

  createRemoteInvoice(input: Parameters<RemoteDesk['createInvoice']>[0]): Outcome<{ qrPaymentId: number }> {
    return this.remoteDesk.createInvoice(input);
  }

  cancelRemoteInvoice(
    input: Parameters<RemoteDesk['cancelInvoice']>[0],
  ): Outcome<{ status: 'RemotePaymentCanceled' }> {
    return this.remoteDesk.cancelInvoice(input);
  }

  // --- ledger ----------------------------------------------------------------------------------

  /**
   * Per-BIN totals; every known BIN appears, even with no purchases, so "nothing landed" is
   * visible. `balance` comes from the running ledger, the rest from the purchases and refunds.
   */
  ledger(): LedgerRow[] {
    const rows = new Map<
      string,
      { purchases: number; processed: number; pending: number; refunded: number }
    >();
    const row = (bin: string) => {
      let found = rows.get(bin);
      if (!found) {
        found = { purchases: 0, processed: 0, pending: 0, refunded: 0 };
        rows.set(bin, found);
      }
      return found;
    };
    for (const bin of this.merchants.bins()) row(bin);
    for (const { purchase: p } of this.book.all()) {
      const r = row(p.organizationBin);
      r.purchases += 1;
      if (p.status === 'Processed') r.processed += toCents(p.amount);
      if (p.status === 'QrTokenCreated' || p.status === 'Wait') r.pending += toCents(p.amount);
    }
    for (const refund of this.refundDesk.refunds())
      row(refund.organizationBin).refunded += toCents(refund.amount);
    return [...rows].map(([organizationBin, r]) => ({
      organizationBin,
      purchases: r.purchases,
      processedAmount: fromCents(r.processed),
      pendingAmount: fromCents(r.pending),
      refundedAmount: fromCents(r.refunded),
      balance: fromCents(this.ledgerBook.balance(organizationBin)),
    }));
  }
}
