/**
 * Kaspi's merchant side: organizations (BIN) own trade points, trade points own devices, a device
 * token names one device. Every operation that takes a DeviceToken resolves it here, so all routes
 * answer the same codes in the same order for the same broken state.
 */
import { randomUUID } from 'node:crypto';
import type { Organization } from '../../fixtures/organizations.ts';
import { fail, ok, type Outcome } from './outcome.ts';
import { StatusCode } from './status-codes.ts';

export const defaultPaymentMethods: readonly string[] = ['Gold', 'Red', 'Loan'];

export interface TradePointView {
  tradePointId: number;
  tradePointName: string;
  organizationBin: string;
  enabled: boolean;
  acceptsQr: boolean;
  /** What the customer may pay with here; empty provokes 990000033 on purchase creation. */
  paymentMethods: string[];
  /** `false` provokes -99000020 on a refund of less than what is left (e.g. loan-only shops). */
  partialRefundAllowed: boolean;
}

export type TradePointChange = Partial<
  Pick<TradePointView, 'enabled' | 'acceptsQr' | 'paymentMethods' | 'partialRefundAllowed'>
>;

export interface DeviceView {
  deviceToken: string;
  deviceId: string;
  tradePointId: number;
  organizationBin: string;
  active: boolean;
}

export interface ResolvedDevice {
  device: DeviceView;
  tradePoint: TradePointView;
}

export class Merchants {
  private tradePointsById = new Map<number, TradePointView>();
  private devicesByToken = new Map<string, DeviceView>();

  private organizations: readonly Organization[];

  constructor(
    organizations: readonly Organization[],
    /**
     * r3: refuse (-1501) a DeviceToken that is not registered under the named OrganizationBin.
     * Real Kaspi's behaviour here is undocumented; refusing is what protects sellers.
     */
    readonly requireBinOwnsDevice: boolean,
  ) {
    this.organizations = [...organizations];
    this.reset();
  }

  /** Replaces the seeded organizations; `reset()` rebuilds trade points and devices from them. */
  reseed(organizations: readonly Organization[]): void {
    this.organizations = [...organizations];
    this.reset();
  }

  reset(): void {
    this.tradePointsById = new Map();
    this.devicesByToken = new Map();
    for (const org of this.organizations) {
      this.tradePointsById.set(org.tradePointId, {
        tradePointId: org.tradePointId,
        tradePointName: org.tradePointName,
        organizationBin: org.bin,
        enabled: true,
        acceptsQr: true,
        paymentMethods: [...defaultPaymentMethods],
        partialRefundAllowed: true,
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

  /** The organizations seeded (fixtures, unless `POST /control/seed` replaced them). */
  seeded(): Organization[] {
    return this.organizations.map((org) => ({ ...org }));
  }

  /** BINs known now (seeded or still owning a trade point), so the ledger lists every one. */
  bins(): Set<string> {
    const bins = new Set(this.organizations.map((org) => org.bin));
    for (const tp of this.tradePointsById.values()) bins.add(tp.organizationBin);
    return bins;
  }

  /** r3 passes the BIN; r1/r2 see every trade point (the simulator serves one partner). */
  tradePoints(organizationBin?: string): Outcome<TradePointView[]> {
    const all = [...this.tradePointsById.values()];
    const points =
      organizationBin === undefined ? all : all.filter((tp) => tp.organizationBin === organizationBin);
    if (points.length === 0) return fail(StatusCode.noTradePoints, 'No trade points');
    return ok(points.map(copyTradePoint));
  }

  tradePoint(tradePointId: number): TradePointView | undefined {
    const tp = this.tradePointsById.get(tradePointId);
    return tp && copyTradePoint(tp);
  }

  update(tradePointId: number, change: TradePointChange): TradePointView | undefined {
    const tp = this.tradePointsById.get(tradePointId);
    if (!tp) return undefined;
    if (change.enabled !== undefined) tp.enabled = change.enabled;
    if (change.acceptsQr !== undefined) tp.acceptsQr = change.acceptsQr;
    if (change.paymentMethods !== undefined) tp.paymentMethods = [...change.paymentMethods];
    if (change.partialRefundAllowed !== undefined) tp.partialRefundAllowed = change.partialRefundAllowed;
    return copyTradePoint(tp);
  }

  /** The trade point disappears (closed in the Kaspi Pay app); its devices answer -99000002. */
  remove(tradePointId: number): boolean {
    return this.tradePointsById.delete(tradePointId);
  }

  device(deviceToken: string): DeviceView | undefined {
    const device = this.devicesByToken.get(deviceToken);
    return device && { ...device };
  }

  /** Idempotent like Kaspi's: the same DeviceId on the same trade point gets the same token back. */
  register(input: {
    deviceId: string;
    tradePointId: number;
    organizationBin?: string;
  }): Outcome<{ deviceToken: string }> {
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

  /**
   * Deactivates the device: later use answers -1502. Deleting it again answers -1501, because the
   * partner's device list no longer has it.
   */
  delete(input: { deviceToken: string; organizationBin?: string }): Outcome<null> {
    const device = this.find(input.deviceToken, input.organizationBin);
    if (!device || !device.active) return fail(StatusCode.deviceNotFound, 'Device not found');
    device.active = false;
    return ok(null);
  }

  /**
   * The device and its trade point, usable for a money operation: -1501 unknown (or not under the
   * r3 BIN), -1502 deleted, -99000002 trade point gone, 990000018 trade point disabled.
   */
  resolve(deviceToken: string, organizationBin: string | undefined): Outcome<ResolvedDevice> {
    const device = this.find(deviceToken, organizationBin);
    if (!device) return fail(StatusCode.deviceNotFound, 'Device not found');
    if (!device.active) return fail(StatusCode.deviceInactive, 'Device is inactive');
    const tp = this.tradePointsById.get(device.tradePointId);
    if (!tp) return fail(StatusCode.tradePointNotFound, 'Trade point not found');
    if (!tp.enabled) return fail(StatusCode.tradePointDisabled, 'Trade point is disabled');
    return ok({ device: { ...device }, tradePoint: copyTradePoint(tp) });
  }

  private find(deviceToken: string, organizationBin: string | undefined): DeviceView | undefined {
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
}

function copyTradePoint(tp: TradePointView): TradePointView {
  return { ...tp, paymentMethods: [...tp.paymentMethods] };
}
