/**
 * Public data shapes of the Kaspi simulator, as docs/architecture.md fixes them. Control clients in
 * other processes only see these, so they stay plain JSON (no Dates, no Maps).
 */

/** Kaspi access scheme: r1 (Api-Key), r2 (client certificate), r3 (certificate + OrganizationBin). */
export type Scheme = 'r1' | 'r2' | 'r3';

export type PurchaseKind = 'qr' | 'link' | 'remote';

/**
 * `QrTokenCreated` → `Wait` → `Processed` | `Error`; the last two are final. A remote invoice may
 * also end `RemotePaymentCanceled` (after `/remote/cancel`).
 */
export type PurchaseStatus = 'QrTokenCreated' | 'Wait' | 'Processed' | 'Error' | 'RemotePaymentCanceled';

/** Why a purchase ended in `Error` (simulator-only detail, for scenario assertions). */
export type ErrorReason =
  'scanTimeout' | 'confirmationTimeout' | 'invoiceExpired' | 'scanError' | 'confirmError';

export interface Purchase {
  qrPaymentId: number;
  kind: PurchaseKind;
  scheme: Scheme;
  /** The BIN that owns the device's trade point: where the money lands. */
  organizationBin: string;
  deviceToken: string;
  tradePointId: number;
  deviceId: string;
  amount: number;
  externalId: string | null;
  status: PurchaseStatus;
  /** ISO 8601 with the simulator's UTC offset, e.g. `2024-05-01T10:30:00+06:00`. */
  createdAt: string;
  /** When it became `Processed`; `null` before. */
  paidAt: string | null;
  errorReason: ErrorReason | null;
  /** Sum of the refunds made so far; never above `amount`. */
  refundedAmount: number;
  /** Copied from the trade point at creation: whether a refund may be for less than what is left. */
  partialRefundAllowed: boolean;
  /** Remote invoices only: the customer's phone number and the partner's comment. */
  phoneNumber: string | null;
  comment: string | null;
}

/** A refund (`payment/return`), r2 or r3. */
export interface Refund {
  returnOperationId: number;
  qrPaymentId: number;
  scheme: Scheme;
  organizationBin: string;
  deviceToken: string;
  amount: number;
  /** r2 only: the customer's return QR it was made under. */
  qrReturnId: number | null;
  createdAt: string;
}

/** r2's refund-with-customer QR: `QrTokenCreated` → `CustomerIdentityObtained` | `Error`. */
export type ReturnStatus = 'QrTokenCreated' | 'CustomerIdentityObtained' | 'Error';

export interface JournalEntry {
  /** ISO 8601 (UTC) time the request arrived. */
  time: string;
  /** `null` for paths outside `/rN/v01/` (test emulators, unmatched paths). */
  scheme: Scheme | null;
  method: string;
  /** Path without the query string. */
  path: string;
  /** The BIN the request named (r3 body or path), else the BIN owning the device or purchase it used. */
  organizationBin: string | null;
  deviceToken: string | null;
  tradePointId: number | null;
  httpStatus: number;
  /** Kaspi `StatusCode` of the answer; `null` when the answer carried none. */
  statusCode: number | null;
  latencyMs: number;
  /** Injected fault that shaped this answer (control API `POST /control/faults`), if any. */
  fault?: string;
  /** For requests that missed: the nearest real endpoints or field spellings (see near-miss.ts). */
  nearMiss?: string[];
}

export interface LedgerRow {
  organizationBin: string;
  purchases: number;
  /** Sum of `Processed` purchases. */
  processedAmount: number;
  /** Sum of purchases still `QrTokenCreated` or `Wait`. */
  pendingAmount: number;
  /** Sum of refunds made on this BIN's purchases. */
  refundedAmount: number;
  /**
   * Running balance, kept separately from the purchases (credited on payment, debited on refund):
   * it must always equal `processedAmount - refundedAmount`.
   */
  balance: number;
}

export interface PurchaseFilter {
  bin?: string;
  externalId?: string;
  deviceToken?: string;
  qrPaymentId?: number;
}

export interface JournalFilter {
  bin?: string;
  deviceToken?: string;
  /** Substring of the request path, e.g. `qr/create`. */
  path?: string;
  /** Inclusive time bounds, ISO 8601 or epoch ms. */
  from?: string | number;
  to?: string | number;
  /** Only the most recent N entries. */
  limit?: number;
}
