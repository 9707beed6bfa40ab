/**
 * Remote invoices (r3): look the customer up by phone, send an invoice, cancel it. The invoice
 * itself is a purchase of kind `remote` in the PurchaseBook, paid through the same emulators.
 *
 * Kaspi lists -1401, -1404, 990000029, 990000031, 990000032 and 99000010 for these methods without
 * defining them. We use only two, with meanings picked to fit (README.md): -1401 "not a Kaspi
 * client" (numbers ending in 0000) and 990000029 "malformed phone number".
 */
import { createHash } from 'node:crypto';
import type { Merchants } from './merchants.ts';
import { fail, isValidAmount, ok, type Outcome } from './outcome.ts';
import type { PurchaseBook } from './purchase-book.ts';
import { StatusCode } from './status-codes.ts';
import type { Clock } from '../shared/clock.ts';
import type { Scheme } from './types.ts';

/** "At most 50 calls a minute per device" for `remote/client-info`, over a rolling minute. */
export const clientInfoLimit = { calls: 50, windowMs: 60_000 } as const;

const firstNames = ['Айгерим', 'Данияр', 'Асель', 'Ерлан', 'Жанна', 'Нурлан', 'Сауле', 'Тимур'];
const initials = ['А', 'Б', 'Ж', 'К', 'М', 'Н', 'С', 'Т'];

/** `7071234567`, `77071234567`, `87071234567`, `+77071234567` → `7071234567`; else undefined. */
export function normalizePhone(phone: string): string | undefined {
  const match = /^(?:\+?7|8)?(7\d{9})$/.exec(phone.trim());
  return match?.[1];
}

function checkPhone(phoneNumber: string): Outcome<string> {
  const phone = normalizePhone(phoneNumber);
  if (phone === undefined) return fail(StatusCode.wrongPhoneNumber, 'Wrong phone number');
  if (phone.endsWith('0000')) return fail(StatusCode.clientNotFound, 'Client not found');
  return ok(phone);
}

/** A stable, Kaspi-like masked name ("Айгерим К.") derived from the number. */
function clientNameFor(phone: string): string {
  const digest = createHash('sha256').update(phone).digest();
  return `${firstNames[digest[0]! % firstNames.length]!} ${initials[digest[1]! % initials.length]!}.`;
}

export class RemoteDesk {
  private calls = new Map<string, number[]>();

  constructor(
    private readonly now: Clock,
    private readonly merchants: Merchants,
    private readonly purchases: PurchaseBook,
  ) {}

  clear(): void {
    this.calls = new Map();
  }

  clientInfo(input: { deviceToken: string; phoneNumber: string }): Outcome<{ clientName: string }> {
    const resolved = this.merchants.resolve(input.deviceToken, undefined);
    if (!resolved.ok) return resolved;
    if (!this.allowCall(input.deviceToken)) {
      return fail(
        StatusCode.unavailable,
        `Too many requests: at most ${clientInfoLimit.calls} client-info calls a minute per device`,
      );
    }
    const phone = checkPhone(input.phoneNumber);
    if (!phone.ok) return phone;
    return ok({ clientName: clientNameFor(phone.value) });
  }

  createInvoice(input: {
    scheme: Scheme;
    deviceToken: string;
    organizationBin: string;
    amount: number;
    phoneNumber: string;
    comment: string | null;
  }): Outcome<{ qrPaymentId: number }> {
    const resolved = this.merchants.resolve(input.deviceToken, input.organizationBin);
    if (!resolved.ok) return resolved;
    if (resolved.value.tradePoint.paymentMethods.length === 0) {
      return fail(StatusCode.noPaymentMethods, 'No payment methods available');
    }
    if (!isValidAmount(input.amount)) return fail(StatusCode.wrongAmount, 'Wrong amount');
    const phone = checkPhone(input.phoneNumber);
    if (!phone.ok) return phone;
    const created = this.purchases.create({
      kind: 'remote',
      scheme: input.scheme,
      resolved: resolved.value,
      amount: input.amount,
      externalId: null,
      phoneNumber: phone.value,
      comment: input.comment,
    });
    return ok({ qrPaymentId: created.purchase.qrPaymentId });
  }

  /** Only an unpaid invoice can be cancelled; a paid one needs a refund (-99000011). */
  cancelInvoice(input: {
    deviceToken: string;
    organizationBin: string;
    qrPaymentId: number;
  }): Outcome<{ status: 'RemotePaymentCanceled' }> {
    const resolved = this.merchants.resolve(input.deviceToken, input.organizationBin);
    if (!resolved.ok) return resolved;
    const record = this.purchases.record(input.qrPaymentId);
    if (!record || record.purchase.kind !== 'remote') {
      return fail(StatusCode.purchaseNotFound, 'Remote invoice not found');
    }
    if (record.purchase.tradePointId !== resolved.value.tradePoint.tradePointId) {
      return fail(StatusCode.refundFromAnotherTradePoint, "Invoice's trade point does not match the device");
    }
    const { status } = record.purchase;
    if (status !== 'QrTokenCreated' && status !== 'Wait') {
      return fail(StatusCode.wrongPurchaseStatus, `Cannot cancel: invoice is ${status}`);
    }
    this.purchases.cancelRemote(record);
    return ok({ status: 'RemotePaymentCanceled' });
  }

  private allowCall(deviceToken: string): boolean {
    const now = this.now();
    const recent = (this.calls.get(deviceToken) ?? []).filter((at) => at > now - clientInfoLimit.windowMs);
    // Refused calls are not counted, so a client that backs off for a minute is served again.
    if (recent.length >= clientInfoLimit.calls) return false;
    recent.push(now);
    this.calls.set(deviceToken, recent);
    return true;
  }
}
