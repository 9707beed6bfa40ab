/** Kaspi StatusCodes used by the simulator (appendix 3 of the partner document). */
export const StatusCode = {
  ok: 0,
  /** "Service temporarily unavailable": also our answer to a body that is not a JSON object. */
  unavailable: -999,
  deviceNotFound: -1501,
  deviceInactive: -1502,
  deviceOnAnotherTradePoint: -1503,
  purchaseNotFound: -1601,
  noTradePoints: -14000002,
  tradePointNotFound: -99000002,
  /** Documented for refunds ("wrong purchase status"); reused for illegal emulator transitions. */
  wrongPurchaseStatus: -99000011,
  tradePointDisabled: 990000018,
  tradePointDoesNotAcceptQr: 990000026,
  wrongAmount: 990000028,
} as const;

export type KnownStatusCode = (typeof StatusCode)[keyof typeof StatusCode];
