/**
 * The network sandbox of the PHP runtime: the run's authorities (PHP trusts the server CA), the egress proxy whose route
 * table sends Kaspi's and Railway's hostnames to the simulators' TLS listeners (so TLS and the client
 * certificate run end to end), and the webhook sink for the team's own hosts. Everything else PHP
 * tries to reach is refused and recorded as unexpected egress.
 */
import { join } from 'node:path';
import {
  defaultEgressRoutes,
  startEgressProxy,
  startWebhookSink,
  type EgressProxy,
  type WebhookSink,
} from './egress/index.ts';
import type { EgressTarget } from './egress/routes.ts';
import {
  createRunAuthorities,
  writePemFiles,
  type CertificateAuthority,
  type RunAuthorities,
} from './tls/ca.ts';
import { running, type Running } from './lifecycle.ts';

export interface Sandbox extends Running {
  ca: CertificateAuthority;
  caCertFile: string;
  egress: EgressProxy;
  sink: WebhookSink;
}

/** Hosts a team marks as its own (CRM webhooks): served by the sink, never by the internet. */
export const defaultWebhookHosts = ['crm.cvety.kz'];

/** The run's authorities, and the server CA's certificate as a file for PHP's curl.cainfo. */
export async function createRunTls(
  runDir: string,
): Promise<{ authorities: RunAuthorities; caCertFile: string }> {
  const authorities = await createRunAuthorities();
  const files = await writePemFiles(join(runDir, 'tls'), { 'ca.pem': authorities.server.certPem });
  return { authorities, caCertFile: files['ca.pem']! };
}

/** A listener URL as a route target: natively 127.0.0.1, in the docker stack's bridge mode a service name. */
const targetOf = (url: string): EgressTarget => {
  const parsed = new URL(url);
  return { host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(parsed.port) };
};

export async function startSandbox(options: {
  ca: CertificateAuthority;
  caCertFile: string;
  kaspiListeners: { r1: string; r2: string; r3: string };
  paymentServiceTlsUrl: string;
  paymentServiceHosts?: readonly string[];
  webhookHosts?: readonly string[];
  /** Fixed ports (the docker stack publishes them); default: free ones. */
  egressPort?: number;
  webhookSinkPort?: number;
  log: (line: string) => void;
}): Promise<Sandbox> {
  const sink = await startWebhookSink({ port: options.webhookSinkPort });
  const { r1, r2, r3 } = options.kaspiListeners;
  const egress = await startEgressProxy({
    ca: options.ca,
    port: options.egressPort,
    routes: defaultEgressRoutes({
      kaspi: { r1: targetOf(r1), r2: targetOf(r2), r3: targetOf(r3) },
      paymentService: targetOf(options.paymentServiceTlsUrl),
      paymentServiceHosts: options.paymentServiceHosts,
      sink: { target: sink.target, hosts: options.webhookHosts ?? defaultWebhookHosts },
    }),
    onUnexpected: (event) =>
      options.log(
        `UNEXPECTED EGRESS refused: ${event.method} ${event.host}:${event.port} ${event.codePath ?? ''}`,
      ),
  });
  return running<Sandbox>({ ca: options.ca, caCertFile: options.caCertFile, egress, sink }, async () => {
    await Promise.all([egress.stop(), sink.stop()]);
  });
}
