/**
 * Refunds: r3's `payment/return` (no customer present) and r2's flow with the customer present
 * (`return/create` QR → customer scans it → `return/operations` → `payment/return`).
 *
 * Checks run in a fixed order so one broken state always gives one code: device (-1501, -1502,
 * -99000002, 990000018), purchase (-99000001), trade point match (-99000003), r2 return QR
 * (-99000001, -99000003, -99000011), purchase status (-99000011), amount (990000028, -99000005,
 * -99000020).
 */
import type { Merchants } from './merchants.ts';
import { fail, fromCents, isValidAmount, ok, toCents, type Outcome } from './outcome.ts';
import { randomDigits, type PurchaseBook } from './purchase-book.ts';
import { StatusCode } from './status-codes.ts';
import type { Clock } from '../shared/clock.ts';
import type { Refund, ReturnStatus, Scheme } from './types.ts';

export const returnBehaviour = { scanEventPollingInterval: 5, scanWaitTimeout: 180 } as const;

/** `return/operations` answers at most this many purchases. */
export const maxReturnOperations = 10;

export interface RefundInput {
  scheme: Scheme;
  deviceToken: string;
  qrPaymentId: number;
  amount: number;
  /** r3 only. */
  organizationBin?: string;
  /** r2 only: the customer's return QR. */
  qrReturnId?: number;
}

export interface CreatedReturn {
  qrReturnId: number;
  qrToken: string;
  expireDate: string;
}

export interface ReturnOperation {
  qrPaymentId: number;
  transactionDate: string;
  amount: number;
}

interface ReturnRecord {
  qrReturnId: number;
  deviceToken: string;
  tradePointId: number;
  externalId: string | null;
  status: ReturnStatus;
  createdAtMs: number;
}

export class RefundDesk {
  private refundsList: Refund[] = [];
  private returns = new Map<number, ReturnRecord>();

  constructor(
    private readonly now: Clock,
    private readonly merchants: Merchants,
    private readonly purchases: PurchaseBook,
    private nextReturnOperationId = 700_000_001,
    private nextReturnId = 500_000_001,
  ) {}

  clear(): void {
    this.refundsList = [];
    this.returns = new Map();
  }

  refunds(): Refund[] {
    return this.refundsList.map((refund) => ({ ...refund }));
  }

  refund(input: RefundInput): Outcome<{ returnOperationId: number }> {
    const resolved = this.merchants.resolve(input.deviceToken, input.organizationBin);
    if (!resolved.ok) return resolved;
    const { tradePoint } = resolved.value;
    const record = this.purchases.record(input.qrPaymentId);
    if (!record) return fail(StatusCode.refundPurchaseNotFound, 'Purchase not found');
    const { purchase } = record;
    if (purchase.tradePointId !== tradePoint.tradePointId) {
      return fail(StatusCode.refundFromAnotherTradePoint, "Purchase's trade point does not match the device");
    }
    if (input.qrReturnId !== undefined) {
      const qrReturn = this.returnRecord(input.qrReturnId);
      if (!qrReturn) return fail(StatusCode.refundPurchaseNotFound, 'Return not found');
      if (qrReturn.tradePointId !== tradePoint.tradePointId) {
        return fail(StatusCode.refundFromAnotherTradePoint, "Return's trade point does not match the device");
      }
      if (qrReturn.status !== 'CustomerIdentityObtained') {
        return fail(StatusCode.wrongPurchaseStatus, `Return is ${qrReturn.status}, customer not identified`);
      }
    }
    if (purchase.status !== 'Processed') {
      return fail(StatusCode.wrongPurchaseStatus, `Cannot refund: purchase is ${purchase.status}`);
    }
    if (!isValidAmount(input.amount)) return fail(StatusCode.wrongAmount, 'Wrong amount');
    const cents = toCents(input.amount);
    const available = this.purchases.availableCents(record);
    if (cents > available) {
      return fail(
        StatusCode.refundExceedsPurchase,
        `Refund amount exceeds what is left of the purchase (${fromCents(available)})`,
      );
    }
    if (cents < available && !purchase.partialRefundAllowed) {
      return fail(StatusCode.partialRefundNotAllowed, 'Partial refund is not possible for this purchase');
    }
    this.purchases.refund(record, cents);
    const returnOperationId = this.nextReturnOperationId++;
    this.refundsList.push({
      returnOperationId,
      qrPaymentId: purchase.qrPaymentId,
      scheme: input.scheme,
      organizationBin: purchase.organizationBin,
      deviceToken: input.deviceToken,
      amount: fromCents(cents),
      qrReturnId: input.qrReturnId ?? null,
      createdAt: this.purchases.date(this.now()),
    });
    return ok({ returnOperationId });
  }

  // --- r2: refund with the customer present ----------------------------------------------------

  createReturn(input: { deviceToken: string; externalId: string | null }): Outcome<CreatedReturn> {
    const resolved = this.merchants.resolve(input.deviceToken, undefined);
    if (!resolved.ok) return resolved;
    const createdAtMs = this.now();
    const qrReturnId = this.nextReturnId++;
    this.returns.set(qrReturnId, {
      qrReturnId,
      deviceToken: input.deviceToken,
      tradePointId: resolved.value.tradePoint.tradePointId,
      externalId: input.externalId,
      status: 'QrTokenCreated',
      createdAtMs,
    });
    return ok({
      qrReturnId,
      qrToken: randomDigits(40),
      expireDate: this.purchases.date(createdAtMs + returnBehaviour.scanWaitTimeout * 1000),
    });
  }

  returnStatus(qrReturnId: number): Outcome<ReturnStatus> {
    const record = this.returnRecord(qrReturnId);
    if (!record) return fail(StatusCode.purchaseNotFound, 'Return not found');
    return ok(record.status);
  }

  /** Simulator emulator (Kaspi documents none): the customer scanned the return QR. */
  scanReturn(qrReturnId: number): Outcome<null> {
    const record = this.returnRecord(qrReturnId);
    if (!record) return fail(StatusCode.purchaseNotFound, 'Return not found');
    if (record.status !== 'QrTokenCreated') {
      return fail(StatusCode.wrongPurchaseStatus, `Cannot scan: return is ${record.status}`);
    }
    record.status = 'CustomerIdentityObtained';
    return ok(null);
  }

  /**
   * The identified customer's purchases at the device's trade point that still have money to
   * refund, newest first. The simulator has no customers, so every purchase of the trade point
   * counts as the customer's.
   */
  returnOperations(input: {
    deviceToken: string;
    qrReturnId: number;
    maxResult: number;
  }): Outcome<ReturnOperation[]> {
    const resolved = this.merchants.resolve(input.deviceToken, undefined);
    if (!resolved.ok) return resolved;
    const record = this.returnRecord(input.qrReturnId);
    if (!record) return fail(StatusCode.refundPurchaseNotFound, 'Return not found');
    if (record.tradePointId !== resolved.value.tradePoint.tradePointId) {
      return fail(StatusCode.refundFromAnotherTradePoint, "Return's trade point does not match the device");
    }
    if (record.status !== 'CustomerIdentityObtained') {
      return fail(StatusCode.wrongPurchaseStatus, `Return is ${record.status}, customer not identified`);
    }
    const operations: ReturnOperation[] = [];
    for (const purchaseRecord of this.purchases.all()) {
      const { purchase } = purchaseRecord;
      if (purchase.tradePointId !== record.tradePointId) continue;
      if (this.purchases.availableCents(purchaseRecord) <= 0) continue;
      operations.push({
        qrPaymentId: purchase.qrPaymentId,
        transactionDate: purchase.paidAt ?? purchase.createdAt,
        amount: purchase.amount,
      });
    }
    operations.sort((a, b) => b.qrPaymentId - a.qrPaymentId);
    return ok(operations.slice(0, Math.min(input.maxResult, maxReturnOperations)));
  }

  private returnRecord(qrReturnId: number): ReturnRecord | undefined {
    const record = this.returns.get(qrReturnId);
    if (
      record?.status === 'QrTokenCreated' &&
      this.now() >= record.createdAtMs + returnBehaviour.scanWaitTimeout * 1000
    ) {
      record.status = 'Error';
    }
    return record;
  }
}
