/**
 * Typed HTTP client of the egress proxy's and webhook sink's control paths, for scenario workers
 * that only have URLs (StackInfo is plain data).
 */
import { controlCaller } from '../http/control-client.ts';
import type { UnexpectedEgress } from './proxy.ts';
import type { WebhookDelivery } from './sink.ts';

export function egressControl(proxyUrl: string) {
  const call = controlCaller(proxyUrl, 'egress proxy');
  return {
    unexpected: async (scenario?: string): Promise<UnexpectedEgress[]> =>
      (
        await call<{ unexpected: UnexpectedEgress[] }>(
          'GET',
          `/__egress/unexpected${scenario === undefined ? '' : `?scenario=${encodeURIComponent(scenario)}`}`,
        )
      ).unexpected,
    clear: async (): Promise<void> => void (await call('DELETE', '/__egress/unexpected')),
    setScenario: async (name?: string): Promise<void> =>
      void (await call(
        'PUT',
        `/__egress/scenario${name === undefined ? '' : `?name=${encodeURIComponent(name)}`}`,
      )),
  };
}

export function webhookSinkControl(sinkUrl: string) {
  const call = controlCaller(sinkUrl, 'webhook sink');
  return {
    received: async (): Promise<WebhookDelivery[]> =>
      (await call<{ received: WebhookDelivery[] }>('GET', '/__sink/received')).received,
    clear: async (): Promise<void> => void (await call('DELETE', '/__sink/received')),
  };
}
