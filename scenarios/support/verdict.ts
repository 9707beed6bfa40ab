/**
 * Where did the money land, and is that what this scenario expects? The verdict is about the
 * organization that received the payment, not about whether code ran.
 */
import type { Cause } from './causes.ts';
import type { TraceHop } from './trace.ts';
import {
  maskToken,
  organizationByBin,
  type Organization,
  type Seller,
} from '../../fixtures/organizations.ts';

/** green: the seller's BIN · amber: the marketplace's fallback BIN · red: anywhere else, or nowhere. */
export type Verdict = 'correct' | 'diverted' | 'astray' | 'not-paid';

export type Expectation = 'seller' | 'fallback';

export interface LandedPayment {
  organizationBin: string;
  deviceToken: string;
  qrPaymentId: number;
  amount: number;
}

export interface RoutingResult {
  scenario: string;
  sellerName: string;
  shopId: number;
  /** The seller's own BIN: where the money belongs. */
  sellerBin: string;
  /** The BIN this scenario expects to receive the money (the seller's, or the documented fallback). */
  expectedBin: string;
  /** The BIN that owns the device the purchase was created on, as the Kaspi simulator recorded it. */
  receivedBin: string | null;
  receivedToken: string | null;
  verdict: Verdict;
  passed: boolean;
  reason: string;
  qrPaymentId: number | null;
  orderId: number | null;
  amount: number | null;
  durationMs: number;
  /** The payment's hops, customer → Bitrix → payment-service → Kaspi, with timings and answers. */
  trace?: TraceHop[];
  /** PHP log lines the payment caused (the fallback's log entry, say). */
  phpLog?: string;
  /** Why it failed: the first hop that went wrong (causes.ts). */
  cause?: Cause;
}

export interface VerdictInput {
  seller: Seller;
  fallback: Organization;
  expectation: Expectation;
  landed: LandedPayment | null;
}

/** Where the money landed against where it should have. A failure's reason is refined by causes.ts. */
export function judge({ seller, fallback, expectation, landed }: VerdictInput): {
  verdict: Verdict;
  passed: boolean;
  expectedBin: string;
  reason: string;
} {
  const expected = expectation === 'seller' ? seller : fallback;
  if (!landed) {
    return {
      verdict: 'not-paid',
      passed: false,
      expectedBin: expected.bin,
      reason: 'no payment was made',
    };
  }
  const owner = organizationByBin(landed.organizationBin);
  const verdict: Verdict =
    landed.organizationBin === seller.bin
      ? 'correct'
      : landed.organizationBin === fallback.bin
        ? 'diverted'
        : 'astray';
  const landedOn = `${landed.organizationBin}${owner ? ` (${owner.name})` : ''}`;
  if (landed.organizationBin !== expected.bin) {
    return {
      verdict,
      passed: false,
      expectedBin: expected.bin,
      reason: `money landed on ${landedOn}, expected ${expected.bin} (${expected.name})`,
    };
  }
  if (landed.deviceToken !== expected.deviceToken) {
    return {
      verdict: 'astray',
      passed: false,
      expectedBin: expected.bin,
      reason: `right BIN but device token ${maskToken(landed.deviceToken)} is not ${expected.name}'s ${maskToken(expected.deviceToken)}`,
    };
  }
  return {
    verdict,
    passed: true,
    expectedBin: expected.bin,
    reason:
      expectation === 'seller'
        ? `landed on ${landedOn} with the seller's device token`
        : `diverted to the fallback ${landedOn} as the guide documents; the seller's BIN ${seller.bin} did not receive it`,
  };
}
