/**
 * Public data shapes of the Kaspi simulator, as docs/architecture.md fixes them. Control clients in
 * other processes only see these, so they stay plain JSON (no Dates, no Maps).
 */

/** Kaspi access scheme: r1 (Api-Key), r2 (client certificate), r3 (certificate + OrganizationBin). */
export type Scheme = 'r1' | 'r2' | 'r3';

export type PurchaseKind = 'qr' | 'link' | 'remote';

/** `QrTokenCreated` → `Wait` → `Processed` | `Error`; the last two are final. */
export type PurchaseStatus = 'QrTokenCreated' | 'Wait' | 'Processed' | 'Error';

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
  /** ISO 8601 with the simulator's UTC offset, e.g. `2024-05-01T10:30:00+05:00`. */
  createdAt: string;
}

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
