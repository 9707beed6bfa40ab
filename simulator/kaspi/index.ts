export {
  kaspiHostnames,
  startKaspiSimulator,
  type KaspiSimulator,
  type KaspiSimulatorOptions,
} from './server.ts';
export { createKaspiHandlers, kaspiAnswer, type KaspiHandlerOptions } from './handlers.ts';
export { clientCertificateHeader, defaultApiKeyPolicy, type ApiKeyPolicy } from './auth.ts';
export { endpoints, type Endpoint, type EndpointId } from './endpoints.ts';
export {
  createMswNodeListener,
  type Exchange,
  type FastAnswer,
  type MswNodeListenerOptions,
} from './http-adapter.ts';
export { KaspiControlClient, type SimulatorInfo, type TradePointState } from './control-client.ts';
export { ControlApiError } from '../../platform/http/control-client.ts';
export {
  FaultRegistry,
  faultMatch,
  faultRuleInput,
  faultSpec,
  type FaultDecision,
  type FaultMatch,
  type FaultRule,
  type FaultRuleInput,
  type FaultSpec,
} from './faults.ts';
export { createFastPath } from './fast-path.ts';
export { runParity, formatReport, type ParityOptions, type ParityReport } from './parity/run.ts';
export { runParityCli } from './parity/cli.ts';
export type { Difference } from './parity/compare.ts';
export {
  KaspiState,
  behaviour,
  isValidAmount,
  paymentMethods,
  type CreatedPurchase,
  type CreatePurchaseInput,
  type CreatedReturn,
  type DeviceView,
  type KaspiStateOptions,
  type Outcome,
  type PaymentDetails,
  type RefundInput,
  type ReturnOperation,
  type StatusDetails,
  type TradePointChange,
  type TradePointView,
} from './state.ts';
export { Journal, defaultJournalSize } from './journal.ts';
export { StatusCode } from './status-codes.ts';
export {
  SimulatorClock,
  defaultUtcOffsetMinutes,
  kaspiDate,
  manualClock,
  systemClock,
  type Clock,
  type ClockSnapshot,
} from '../shared/clock.ts';
export { buildOpenApiDocument } from './openapi.ts';
export type {
  ErrorReason,
  JournalEntry,
  JournalFilter,
  LedgerRow,
  Purchase,
  PurchaseFilter,
  Refund,
  ReturnStatus,
  PurchaseKind,
  PurchaseStatus,
  Scheme,
} from './types.ts';
