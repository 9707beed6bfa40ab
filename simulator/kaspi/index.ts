export { startKaspiSimulator, type KaspiSimulator, type KaspiSimulatorOptions } from './server.ts';
export { createKaspiHandlers, kaspiAnswer } from './handlers.ts';
export {
  createMswNodeListener,
  type Exchange,
  type FastAnswer,
  type MswNodeListenerOptions,
} from './http-adapter.ts';
export { KaspiControlClient, KaspiControlError, type TradePointState } from './control-client.ts';
export {
  KaspiState,
  behaviour,
  isValidAmount,
  paymentMethods,
  type CreatedPurchase,
  type CreatePurchaseInput,
  type DeviceView,
  type KaspiStateOptions,
  type Outcome,
  type TradePointView,
} from './state.ts';
export { Journal, defaultJournalSize } from './journal.ts';
export { StatusCode } from './status-codes.ts';
export { kaspiDate, manualClock, systemClock, type Clock } from './time.ts';
export { buildOpenApiDocument } from './openapi.ts';
export type {
  JournalEntry,
  JournalFilter,
  LedgerRow,
  Purchase,
  PurchaseFilter,
  PurchaseKind,
  PurchaseStatus,
  Scheme,
} from './types.ts';
