/**
 * Purchases and their lifecycle: `QrTokenCreated` → `Wait` → `Processed` | `Error`, with Kaspi's
 * timeouts measured on the simulator clock. Timeouts are applied lazily, when a purchase is read:
 * no timers to leak, and a frozen clock freezes the purchases with it.
 *
 * Money moves only here and in refunds: a purchase credits its BIN's balance when it becomes
 * `Processed`, never before, so one that times out in `Wait` has nothing to give back.
 */
import { randomInt } from 'node:crypto';
import type { Transition } from './endpoints.ts';
import type { Ledger } from './ledger.ts';
import type { ResolvedDevice } from './merchants.ts';
import { fail, fromCents, ok, toCents, type Outcome } from './outcome.ts';
import { StatusCode } from './status-codes.ts';
import { kaspiDate, type Clock } from '../shared/clock.ts';
import type { ErrorReason, Purchase, PurchaseKind, PurchaseStatus, Scheme } from './types.ts';

/** Kaspi's published behaviour options, in seconds (same numbers for QR and link). */
export const behaviour = {
  statusPollingInterval: 5,
  scanWaitTimeout: 180,
  paymentConfirmationTimeout: 65,
  /** Remote invoices: "the customer has 24 hours to pay". */
  remoteInvoiceLifetime: 24 * 60 * 60,
} as const;

export interface CreatedPurchase {
  purchase: Purchase;
  qrToken: string;
  /** Only for `kind: 'link'`. */
  paymentLink: string | null;
  expireDate: string;
  paymentMethods: string[];
}

export interface PurchaseRecord {
  purchase: Purchase;
  createdAtMs: number;
  /** Scan (or link activation, or invoice payment) deadline. */
  scanDeadlineMs: number;
  waitSinceMs: number | null;
  qrToken: string;
  paymentLink: string | null;
  expireDate: string;
  refundedCents: number;
  transactionId: string | null;
  productType: string | null;
  storeName: string;
}

/** Allowed emulator transitions: from which status, to which status. */
const transitions: Record<Transition, { from: PurchaseStatus; to: PurchaseStatus; reason?: ErrorReason }> = {
  scan: { from: 'QrTokenCreated', to: 'Wait' },
  confirm: { from: 'Wait', to: 'Processed' },
  scanerror: { from: 'QrTokenCreated', to: 'Error', reason: 'scanError' },
  confirmerror: { from: 'Wait', to: 'Error', reason: 'confirmError' },
};

/** The transitions a purchase in each status accepts, read off the table above. */
export function transitionsByStatus(): Partial<Record<PurchaseStatus, Transition[]>> {
  const byStatus: Partial<Record<PurchaseStatus, Transition[]>> = {};
  for (const [transition, rule] of Object.entries(transitions) as [Transition, { from: PurchaseStatus }][])
    (byStatus[rule.from] ??= []).push(transition);
  return byStatus;
}

export function randomDigits(length: number): string {
  let digits = String(randomInt(1, 10));
  while (digits.length < length) digits += String(randomInt(0, 10));
  return digits;
}

export interface NewPurchase {
  kind: PurchaseKind;
  scheme: Scheme;
  resolved: ResolvedDevice;
  amount: number;
  externalId: string | null;
  phoneNumber?: string | null;
  comment?: string | null;
}

export class PurchaseBook {
  private records = new Map<number, PurchaseRecord>();

  constructor(
    private readonly now: Clock,
    private readonly utcOffsetMinutes: number,
    private readonly ledger: Ledger,
    private nextPaymentId: number,
  ) {}

  /** Forgets every purchase; ids keep growing so a stale id never names a new purchase. */
  clear(): void {
    this.records = new Map();
  }

  date(epochMs: number): string {
    return kaspiDate(epochMs, this.utcOffsetMinutes);
  }

  create(input: NewPurchase): CreatedPurchase {
    const createdAtMs = this.now();
    const { device, tradePoint } = input.resolved;
    const lifetimeS = input.kind === 'remote' ? behaviour.remoteInvoiceLifetime : behaviour.scanWaitTimeout;
    const purchase: Purchase = {
      qrPaymentId: this.nextPaymentId++,
      kind: input.kind,
      scheme: input.scheme,
      // The trade point's owner, never the BIN from the request: this is where the money lands.
      organizationBin: tradePoint.organizationBin,
      deviceToken: device.deviceToken,
      tradePointId: tradePoint.tradePointId,
      deviceId: device.deviceId,
      amount: fromCents(toCents(input.amount)),
      externalId: input.externalId,
      status: 'QrTokenCreated',
      createdAt: this.date(createdAtMs),
      paidAt: null,
      errorReason: null,
      refundedAmount: 0,
      partialRefundAllowed: tradePoint.partialRefundAllowed,
      phoneNumber: input.phoneNumber ?? null,
      comment: input.comment ?? null,
    };
    const record: PurchaseRecord = {
      purchase,
      createdAtMs,
      scanDeadlineMs: createdAtMs + lifetimeS * 1000,
      waitSinceMs: null,
      qrToken: randomDigits(40),
      paymentLink: input.kind === 'link' ? `https://pay.kaspi.kz/pay/${randomDigits(9)}` : null,
      expireDate: this.date(createdAtMs + lifetimeS * 1000),
      refundedCents: 0,
      transactionId: null,
      productType: null,
      storeName: tradePoint.tradePointName,
    };
    this.records.set(purchase.qrPaymentId, record);
    return {
      purchase: { ...purchase },
      qrToken: record.qrToken,
      paymentLink: record.paymentLink,
      expireDate: record.expireDate,
      paymentMethods: [...tradePoint.paymentMethods],
    };
  }

  /** Kaspi cancels a purchase nobody scanned in time, or one not confirmed in time after the scan. */
  private refresh(record: PurchaseRecord): PurchaseRecord {
    const now = this.now();
    const { purchase } = record;
    if (purchase.status === 'QrTokenCreated' && now >= record.scanDeadlineMs) {
      purchase.status = 'Error';
      purchase.errorReason = purchase.kind === 'remote' ? 'invoiceExpired' : 'scanTimeout';
    } else if (
      purchase.status === 'Wait' &&
      record.waitSinceMs !== null &&
      now >= record.waitSinceMs + behaviour.paymentConfirmationTimeout * 1000
    ) {
      // Kaspi "cancels the purchase and returns the money": nothing was credited yet, so the
      // ledger has nothing to undo.
      purchase.status = 'Error';
      purchase.errorReason = 'confirmationTimeout';
    }
    return record;
  }

  /** The live record (refreshed), for the other desks of the same state. */
  record(qrPaymentId: number): PurchaseRecord | undefined {
    const record = this.records.get(qrPaymentId);
    return record && this.refresh(record);
  }

  *all(): IterableIterator<PurchaseRecord> {
    for (const record of this.records.values()) yield this.refresh(record);
  }

  status(qrPaymentId: number): Outcome<PurchaseStatus> {
    const record = this.record(qrPaymentId);
    if (!record) return fail(StatusCode.purchaseNotFound, 'Purchase not found');
    return ok(record.purchase.status);
  }

  /**
   * Kaspi's test-host emulators. A transition from the wrong status (confirm before scan, scan of an
   * expired or already final purchase) answers -99000011 "wrong purchase status": the catalogue's
   * only status-mismatch code, and a non-zero code any client already treats as failure.
   */
  emulate(transition: Transition, qrPaymentId: number): Outcome<Purchase> {
    const record = this.record(qrPaymentId);
    if (!record) return fail(StatusCode.purchaseNotFound, 'Purchase not found');
    const { purchase } = record;
    const rule = transitions[transition];
    if (purchase.status !== rule.from) {
      return fail(
        StatusCode.wrongPurchaseStatus,
        `Cannot ${transition}: purchase is ${purchase.status}, expected ${rule.from}`,
      );
    }
    purchase.status = rule.to;
    if (rule.reason) purchase.errorReason = rule.reason;
    if (rule.to === 'Wait') record.waitSinceMs = this.now();
    if (rule.to === 'Processed') {
      purchase.paidAt = this.date(this.now());
      record.transactionId = randomDigits(12);
      record.productType = 'Gold';
      this.ledger.credit(purchase.organizationBin, toCents(purchase.amount));
    }
    return ok({ ...purchase });
  }

  /** Records a refund on the purchase; the caller has checked it fits. */
  refund(record: PurchaseRecord, cents: number): void {
    record.refundedCents += cents;
    record.purchase.refundedAmount = fromCents(record.refundedCents);
    this.ledger.debit(record.purchase.organizationBin, cents);
  }

  /** What can still be refunded: the rest of a `Processed` purchase, else nothing. */
  availableCents(record: PurchaseRecord): number {
    return record.purchase.status === 'Processed'
      ? toCents(record.purchase.amount) - record.refundedCents
      : 0;
  }

  cancelRemote(record: PurchaseRecord): void {
    record.purchase.status = 'RemotePaymentCanceled';
  }
}
