/**
 * Typed HTTP client of the egress proxy's and webhook sink's control paths, for scenario workers
 * that only have URLs (StackInfo is plain data).
 */
import type { UnexpectedEgress } from './proxy.ts';
import type { WebhookDelivery } from './sink.ts';

async function call<T>(url: string, method = 'GET'): Promise<T> {
  // Writes are JSON, even without a body: the control paths refuse others (platform/control-guard.ts).
  const response = await fetch(url, {
    method,
    headers: method === 'GET' ? undefined : { 'content-type': 'application/json' },
  });
  if (!response.ok) throw new Error(`${method} ${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

export function egressControl(proxyUrl: string) {
  return {
    unexpected: async (scenario?: string): Promise<UnexpectedEgress[]> =>
      (
        await call<{ unexpected: UnexpectedEgress[] }>(
          `${proxyUrl}/__egress/unexpected${scenario === undefined ? '' : `?scenario=${encodeURIComponent(scenario)}`}`,
        )
      ).unexpected,
    clear: async (): Promise<void> => void (await call(`${proxyUrl}/__egress/unexpected`, 'DELETE')),
    setScenario: async (name?: string): Promise<void> =>
      void (await call(
        `${proxyUrl}/__egress/scenario${name === undefined ? '' : `?name=${encodeURIComponent(name)}`}`,
        'PUT',
      )),
  };
}

export function webhookSinkControl(sinkUrl: string) {
  return {
    received: async (): Promise<WebhookDelivery[]> =>
      (await call<{ received: WebhookDelivery[] }>(`${sinkUrl}/__sink/received`)).received,
    clear: async (): Promise<void> => void (await call(`${sinkUrl}/__sink/received`, 'DELETE')),
  };
}
