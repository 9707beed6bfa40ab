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
} from './control-client.ts';
export { migrate, loadMigrations, type Migration } from './migrate.ts';
export { seedConfigs, resetData } from './seed.ts';
export type { PaymentConfigRow, PaymentLogRow, LogFilter } from './store.ts';
