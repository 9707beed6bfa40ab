/**
 * The webhook sink: where requests to hosts the team marks as its own (a CRM, a notification
 * service) end up, so a scenario can assert on what the site sent without anything leaving the
 * machine. Plain HTTP; https:// webhooks reach it through a `terminate` route of the egress proxy.
 * `GET /__sink/received` and `DELETE /__sink/received` (every `/__sink/` path) are a control API
 * (platform/http/control-api.ts) for test workers, and only them: nothing that came through the
 * egress proxy, nothing a page of another origin could send.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { controlListener, ok } from '../http/control-api.ts';
import type { EgressTarget } from './routes.ts';
import { clientCertHeader } from './terminate.ts';
import { running, type Running } from '../lifecycle.ts';

export interface WebhookDelivery {
  time: string;
  method: string;
  /** The Host header: which of the team's hosts it was meant for. */
  host: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON when the body is JSON, else the raw text. */
  body: unknown;
}

export interface WebhookSink extends Running {
  url: string;
  /** Route target for the egress proxy (TLS terminated by the proxy). */
  target: EgressTarget;
  received(): WebhookDelivery[];
  clear(): void;
}

const maxBody = 1_000_000;
const controlPrefix = '/__sink/';

export async function startWebhookSink(
  options: { port?: number; status?: number } = {},
): Promise<WebhookSink> {
  const deliveries: WebhookDelivery[] = [];
  const control = controlListener(
    'webhook-sink',
    [
      { method: 'GET', path: `${controlPrefix}received`, handle: () => ok({ received: deliveries }) },
      {
        method: 'DELETE',
        path: `${controlPrefix}received`,
        handle: () => {
          deliveries.length = 0;
          return ok({ received: deliveries });
        },
      },
    ],
    {
      // The record is the harness's: not for PHP, whose requests reach this sink only through the
      // egress proxy, which marks each one it forwards.
      refuse: (req) =>
        req.headers[clientCertHeader] !== undefined
          ? 'the webhook record is not served through the egress proxy'
          : undefined,
    },
  );
  const server = createServer((req, res) => {
    if (req.url?.startsWith(controlPrefix)) return control(req, res);
    let raw = '';
    req.on('data', (chunk: Buffer) => {
      if (raw.length < maxBody) raw += chunk.toString('utf8');
    });
    req.on('end', () => {
      let body: unknown = raw;
      try {
        body = raw === '' ? undefined : JSON.parse(raw);
      } catch {
        // not JSON: keep the text
      }
      deliveries.push({
        time: new Date().toISOString(),
        method: req.method ?? '',
        host: req.headers.host ?? '',
        path: req.url ?? '/',
        headers: req.headers,
        body,
      });
      res.writeHead(options.status ?? 200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return running<WebhookSink>(
    {
      url: `http://127.0.0.1:${port}`,
      target: { host: '127.0.0.1', port, mode: 'terminate' },
      received: () => [...deliveries],
      clear: () => void (deliveries.length = 0),
    },
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
}
