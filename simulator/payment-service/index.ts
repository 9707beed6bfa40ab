export {
  startPaymentServiceSimulator,
  type PaymentServiceSimulator,
  type PaymentServiceSimulatorOptions,
} from './server.ts';
export {
  PaymentServiceControlClient,
  type ConfigPatch,
  type ControlState,
  type ServedRequest,
  type DriftEntry,
  type FaultMatch,
  type FaultRule,
  type FaultRuleInput,
  type FaultSpec,
  type PollRun,
  type Profile,
} from './control-client.ts';
export type { DatabaseState } from './database-watch.ts';
export { tlsHostnames } from './tls.ts';
export { faultMatch, faultRuleInput, faultSpec, routeMatch } from './faults/spec.ts';
export { migrate, loadMigrations, type Migration } from './migrate.ts';
export { seedConfigs, resetData } from './seed.ts';
export type { PaymentConfigRow, PaymentLogRow, LogFilter } from './store.ts';
