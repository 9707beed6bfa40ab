/**
 * Kaspi StatusCodes (appendix 3 of the partner document), plus the codes the document lists for the
 * remote-invoice methods without defining them; README.md says which state produces each one.
 */
export const StatusCode = {
  ok: 0,
  /** "Service temporarily unavailable": also our answer to a body that is not a JSON object. */
  unavailable: -999,
  noClientCertificate: -10000,
  deviceNotFound: -1501,
  deviceInactive: -1502,
  deviceOnAnotherTradePoint: -1503,
  purchaseNotFound: -1601,
  noTradePoints: -14000002,
  refundPurchaseNotFound: -99000001,
  tradePointNotFound: -99000002,
  refundFromAnotherTradePoint: -99000003,
  refundExceedsPurchase: -99000005,
  refundError: -99000006,
  /** Documented for refunds ("wrong purchase status"); reused for illegal emulator transitions. */
  wrongPurchaseStatus: -99000011,
  partialRefundNotAllowed: -99000020,
  tradePointDisabled: 990000018,
  tradePointDoesNotAcceptQr: 990000026,
  wrongAmount: 990000028,
  noPaymentMethods: 990000033,
  /** Remote methods, undefined in v3.9; our reading: the phone number is not a Kaspi client. */
  clientNotFound: -1401,
  /** Remote methods, undefined in v3.9; our reading: the phone number is malformed. */
  wrongPhoneNumber: 990000029,
} as const;

export type KnownStatusCode = (typeof StatusCode)[keyof typeof StatusCode];
