/**
 * The Kaspi side of the world, without HTTP: merchants (BIN → trade points → devices) and purchases.
 * Handlers, the fast path and the control API all go through these operations, so every way into the
 * simulator enforces the same routing rules.
 *
 * Timeouts are applied lazily, when a purchase is read, against the injected clock: no timers to
 * leak, and a frozen clock freezes the purchases with it.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { Organization } from '../../fixtures/organizations.ts';
import { StatusCode } from './status-codes.ts';
import { defaultUtcOffsetMinutes, kaspiDate, systemClock, type Clock } from './time.ts';
import type { LedgerRow, Purchase, PurchaseFilter, PurchaseKind, PurchaseStatus, Scheme } from './types.ts';

/** Kaspi's published behaviour options, in seconds (same numbers for QR and link). */
export const behaviour = {
  statusPollingInterval: 5,
  scanWaitTimeout: 180,
  paymentConfirmationTimeout: 65,
} as const;

export const paymentMethods: readonly string[] = ['Gold', 'Red', 'Loan'];

/** Amounts above this are treated as a client bug (a total in tiyn, a concatenated string...). */
export const maxAmount = 1e9;

export type Outcome<T> = { ok: true; value: T } | { ok: false; statusCode: number; message: string };

const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
const fail = <T>(statusCode: number, message: string): Outcome<T> => ({ ok: false, statusCode, message });

export interface TradePointView {
  tradePointId: number;
  tradePointName: string;
  organizationBin: string;
  enabled: boolean;
  acceptsQr: boolean;
}

export interface DeviceView {
  deviceToken: string;
  deviceId: string;
  tradePointId: number;
  organizationBin: string;
  active: boolean;
}

export interface CreatePurchaseInput {
  deviceToken: string;
  amount: number;
  externalId?: string | null;
  /** Present on r3: the BIN the partner says it is charging for. */
  organizationBin?: string;
}

export interface CreatedPurchase {
  purchase: Purchase;
  qrToken: string;
  /** Only for `kind: 'link'`. */
  paymentLink: string | null;
  expireDate: string;
}

export interface KaspiStateOptions {
  organizations: readonly Organization[];
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

interface PurchaseRecord {
  purchase: Purchase;
  createdAtMs: number;
  waitSinceMs: number | null;
  qrToken: string;
  paymentLink: string | null;
  expireDate: string;
}

type Transition = 'scan' | 'confirm' | 'scanerror' | 'confirmerror';

/** Allowed emulator transitions: from which status, to which status. */
const transitions: Record<Transition, { from: PurchaseStatus; to: PurchaseStatus }> = {
  scan: { from: 'QrTokenCreated', to: 'Wait' },
  confirm: { from: 'Wait', to: 'Processed' },
  scanerror: { from: 'QrTokenCreated', to: 'Error' },
  confirmerror: { from: 'Wait', to: 'Error' },
};

function randomDigits(length: number): string {
  let digits = String(randomInt(1, 10));
  while (digits.length < length) digits += String(randomInt(0, 10));
  return digits;
}

function toCents(amount: number): number {
  return Math.round(amount * 100);
}

/** Positive, finite, at most 1e9 and at most 2 decimals (tolerating binary float noise like 0.1+0.2). */
export function isValidAmount(amount: unknown): amount is number {
  if (typeof amount !== 'number' || !Number.isFinite(amount)) return false;
  if (amount <= 0 || amount > maxAmount) return false;
  return Math.abs(amount * 100 - toCents(amount)) < 1e-6;
}

export class KaspiState {
  now: Clock;
  readonly utcOffsetMinutes: number;
  readonly requireBinOwnsDevice: boolean;
  private readonly organizations: readonly Organization[];
  private tradePointsById = new Map<number, TradePointView>();
  private devicesByToken = new Map<string, DeviceView>();
  private purchasesById = new Map<number, PurchaseRecord>();
  private nextPaymentId: number;

  constructor(options: KaspiStateOptions) {
    this.organizations = options.organizations;
    this.now = options.now ?? systemClock;
    this.utcOffsetMinutes = options.utcOffsetMinutes ?? defaultUtcOffsetMinutes;
    this.requireBinOwnsDevice = options.requireBinOwnsDevice ?? true;
    this.nextPaymentId = options.firstPaymentId ?? 100_000_001;
    this.reset();
  }

  /** Back to the seeded merchants with no purchases. Purchase ids keep growing. */
  reset(): void {
    this.tradePointsById = new Map();
    this.devicesByToken = new Map();
    this.purchasesById = new Map();
    for (const org of this.organizations) {
      this.tradePointsById.set(org.tradePointId, {
        tradePointId: org.tradePointId,
        tradePointName: org.tradePointName,
        organizationBin: org.bin,
        enabled: true,
        acceptsQr: true,
      });
      this.devicesByToken.set(org.deviceToken, {
        deviceToken: org.deviceToken,
        deviceId: org.deviceId,
        tradePointId: org.tradePointId,
        organizationBin: org.bin,
        active: true,
      });
    }
  }

  // --- merchants -------------------------------------------------------------------------------

  /** r3 passes the BIN; r1/r2 see every trade point (the simulator serves one partner). */
  tradePoints(organizationBin?: string): Outcome<TradePointView[]> {
    const all = [...this.tradePointsById.values()];
    const points =
      organizationBin === undefined ? all : all.filter((tp) => tp.organizationBin === organizationBin);
    if (points.length === 0) return fail(StatusCode.noTradePoints, 'No trade points');
    return ok(points.map((tp) => ({ ...tp })));
  }

  tradePoint(tradePointId: number): TradePointView | undefined {
    const tp = this.tradePointsById.get(tradePointId);
    return tp && { ...tp };
  }

  /** Scenario knob: make a trade point disabled or refuse QR, to provoke 990000018 / 990000026. */
  updateTradePoint(
    tradePointId: number,
    change: { enabled?: boolean; acceptsQr?: boolean },
  ): TradePointView | undefined {
    const tp = this.tradePointsById.get(tradePointId);
    if (!tp) return undefined;
    if (change.enabled !== undefined) tp.enabled = change.enabled;
    if (change.acceptsQr !== undefined) tp.acceptsQr = change.acceptsQr;
    return { ...tp };
  }

  device(deviceToken: string): DeviceView | undefined {
    const device = this.devicesByToken.get(deviceToken);
    return device && { ...device };
  }

  /** Idempotent like Kaspi's: the same DeviceId on the same trade point gets the same token back. */
  registerDevice(input: { deviceId: string; tradePointId: number; organizationBin?: string }): Outcome<{
    deviceToken: string;
  }> {
    const tp = this.tradePointsById.get(input.tradePointId);
    if (!tp || (input.organizationBin !== undefined && tp.organizationBin !== input.organizationBin)) {
      return fail(StatusCode.tradePointNotFound, 'Trade point not found');
    }
    if (!tp.acceptsQr) return fail(StatusCode.tradePointDoesNotAcceptQr, 'Trade point does not accept QR');
    for (const device of this.devicesByToken.values()) {
      if (device.deviceId !== input.deviceId || !device.active) continue;
      if (device.tradePointId !== tp.tradePointId) {
        return fail(StatusCode.deviceOnAnotherTradePoint, 'Device already added to another trade point');
      }
      return ok({ deviceToken: device.deviceToken });
    }
    const deviceToken = randomUUID();
    this.devicesByToken.set(deviceToken, {
      deviceToken,
      deviceId: input.deviceId,
      tradePointId: tp.tradePointId,
      organizationBin: tp.organizationBin,
      active: true,
    });
    return ok({ deviceToken });
  }

  deleteDevice(input: { deviceToken: string; organizationBin?: string }): Outcome<null> {
    const device = this.findDevice(input.deviceToken, input.organizationBin);
    if (!device) return fail(StatusCode.deviceNotFound, 'Device not found');
    device.active = false;
    return ok(null);
  }

  private findDevice(deviceToken: string, organizationBin: string | undefined): DeviceView | undefined {
    const device = this.devicesByToken.get(deviceToken);
    if (!device) return undefined;
    if (
      organizationBin !== undefined &&
      this.requireBinOwnsDevice &&
      device.organizationBin !== organizationBin
    ) {
      return undefined;
    }
    return device;
  }

  // --- purchases -------------------------------------------------------------------------------

  createPurchase(kind: PurchaseKind, scheme: Scheme, input: CreatePurchaseInput): Outcome<CreatedPurchase> {
    const device = this.findDevice(input.deviceToken, input.organizationBin);
    if (!device) return fail(StatusCode.deviceNotFound, 'Device not found');
    if (!device.active) return fail(StatusCode.deviceInactive, 'Device is inactive');
    const tp = this.tradePointsById.get(device.tradePointId);
    if (!tp) return fail(StatusCode.tradePointNotFound, 'Trade point not found');
    if (!tp.enabled) return fail(StatusCode.tradePointDisabled, 'Trade point is disabled');
    if (!tp.acceptsQr) return fail(StatusCode.tradePointDoesNotAcceptQr, 'Trade point does not accept QR');
    if (!isValidAmount(input.amount)) return fail(StatusCode.wrongAmount, 'Wrong amount');

    const createdAtMs = this.now();
    const qrPaymentId = this.nextPaymentId++;
    const purchase: Purchase = {
      qrPaymentId,
      kind,
      scheme,
      // The trade point's owner, never the BIN from the request: this is where the money lands.
      organizationBin: tp.organizationBin,
      deviceToken: device.deviceToken,
      tradePointId: tp.tradePointId,
      deviceId: device.deviceId,
      amount: toCents(input.amount) / 100,
      externalId: input.externalId ?? null,
      status: 'QrTokenCreated',
      createdAt: kaspiDate(createdAtMs, this.utcOffsetMinutes),
    };
    const record: PurchaseRecord = {
      purchase,
      createdAtMs,
      waitSinceMs: null,
      qrToken: randomDigits(40),
      paymentLink: kind === 'link' ? `https://pay.kaspi.kz/pay/${randomDigits(9)}` : null,
      expireDate: kaspiDate(createdAtMs + behaviour.scanWaitTimeout * 1000, this.utcOffsetMinutes),
    };
    this.purchasesById.set(qrPaymentId, record);
    return ok({
      purchase: { ...purchase },
      qrToken: record.qrToken,
      paymentLink: record.paymentLink,
      expireDate: record.expireDate,
    });
  }

  /** Kaspi cancels a purchase nobody scanned in time, or one not confirmed in time after the scan. */
  private refresh(record: PurchaseRecord): PurchaseRecord {
    const now = this.now();
    const { purchase } = record;
    if (
      purchase.status === 'QrTokenCreated' &&
      now >= record.createdAtMs + behaviour.scanWaitTimeout * 1000
    ) {
      purchase.status = 'Error';
    } else if (
      purchase.status === 'Wait' &&
      record.waitSinceMs !== null &&
      now >= record.waitSinceMs + behaviour.paymentConfirmationTimeout * 1000
    ) {
      purchase.status = 'Error';
    }
    return record;
  }

  status(qrPaymentId: number): Outcome<PurchaseStatus> {
    const record = this.purchasesById.get(qrPaymentId);
    if (!record) return fail(StatusCode.purchaseNotFound, 'Purchase not found');
    return ok(this.refresh(record).purchase.status);
  }

  /**
   * Kaspi's test-host emulators. A transition from the wrong status (confirm before scan, scan of an
   * expired or already final purchase) answers -99000011 "wrong purchase status": the catalogue's
   * only status-mismatch code, and a non-zero code any client already treats as failure.
   */
  emulate(transition: Transition, qrPaymentId: number): Outcome<Purchase> {
    const record = this.purchasesById.get(qrPaymentId);
    if (!record) return fail(StatusCode.purchaseNotFound, 'Purchase not found');
    const { purchase } = this.refresh(record);
    const rule = transitions[transition];
    if (purchase.status !== rule.from) {
      return fail(
        StatusCode.wrongPurchaseStatus,
        `Cannot ${transition}: purchase is ${purchase.status}, expected ${rule.from}`,
      );
    }
    purchase.status = rule.to;
    if (rule.to === 'Wait') record.waitSinceMs = this.now();
    return ok({ ...purchase });
  }

  purchase(qrPaymentId: number): Purchase | undefined {
    const record = this.purchasesById.get(qrPaymentId);
    return record && { ...this.refresh(record).purchase };
  }

  purchases(filter: PurchaseFilter = {}): Purchase[] {
    const result: Purchase[] = [];
    for (const record of this.purchasesById.values()) {
      const p = this.refresh(record).purchase;
      if (filter.bin !== undefined && p.organizationBin !== filter.bin) continue;
      if (filter.externalId !== undefined && p.externalId !== filter.externalId) continue;
      if (filter.deviceToken !== undefined && p.deviceToken !== filter.deviceToken) continue;
      if (filter.qrPaymentId !== undefined && p.qrPaymentId !== filter.qrPaymentId) continue;
      result.push({ ...p });
    }
    return result;
  }

  /** Per-BIN totals; every seeded BIN appears, even with no purchases, so "nothing landed" is visible. */
  ledger(): LedgerRow[] {
    const rows = new Map<string, { purchases: number; processed: number; pending: number }>();
    for (const tp of this.tradePointsById.values()) {
      if (!rows.has(tp.organizationBin))
        rows.set(tp.organizationBin, { purchases: 0, processed: 0, pending: 0 });
    }
    for (const record of this.purchasesById.values()) {
      const p = this.refresh(record).purchase;
      let row = rows.get(p.organizationBin);
      if (!row) {
        row = { purchases: 0, processed: 0, pending: 0 };
        rows.set(p.organizationBin, row);
      }
      row.purchases += 1;
      // Sum in cents so totals stay exact.
      if (p.status === 'Processed') row.processed += toCents(p.amount);
      if (p.status === 'QrTokenCreated' || p.status === 'Wait') row.pending += toCents(p.amount);
    }
    return [...rows].map(([organizationBin, row]) => ({
      organizationBin,
      purchases: row.purchases,
      processedAmount: row.processed / 100,
      pendingAmount: row.pending / 100,
    }));
  }
}
