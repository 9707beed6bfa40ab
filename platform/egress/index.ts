export {
  startEgressProxy,
  type EgressProxy,
  type StartEgressProxyOptions,
  type UnexpectedEgress,
} from './proxy.ts';
export {
  defaultEgressRoutes,
  findRoute,
  kaspiTestPorts,
  type DefaultRoutesOptions,
  type EgressRoute,
  type EgressTarget,
} from './routes.ts';
export { startWebhookSink, type WebhookDelivery, type WebhookSink } from './sink.ts';
export { clientCertHeader } from './terminate.ts';
export { egressControl, webhookSinkControl } from './control-client.ts';
