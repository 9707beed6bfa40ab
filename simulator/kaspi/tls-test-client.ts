/**
 * Test client for the simulator's TLS listeners: node:https with the run's CA, an optional client
 * certificate, and the SNI/hostname a real client would use (`mtokentest.kaspi.kz`), so hostname
 * verification is exercised too. Answers must be JSON: anything else fails the test.
 */
import { Agent, request } from 'node:https';
import type { IssuedCertificate } from '../../platform/tls/ca.ts';

export interface TlsAnswer {
  httpStatus: number;
  body: Record<string, unknown>;
}

export interface TlsClientOptions {
  /** Base URL of a listener, e.g. `https://127.0.0.1:43123`. */
  baseUrl: string;
  caPem: string;
  clientCertificate?: IssuedCertificate;
  servername?: string;
  headers?: Record<string, string>;
}

export type TlsCall = (method: 'GET' | 'POST', path: string, body?: unknown) => Promise<TlsAnswer>;

export function tlsClient(options: TlsClientOptions): TlsCall {
  const base = new URL(options.baseUrl);
  // One keep-alive agent per client: a handshake per call would dominate the tests' time. The
  // simulator's close() drops these connections.
  const agent = new Agent({
    keepAlive: true,
    ca: options.caPem,
    cert: options.clientCertificate?.certPem,
    key: options.clientCertificate?.keyPem,
    servername: options.servername ?? 'mtokentest.kaspi.kz',
  });
  return (method, path, body) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const req = request(
        {
          host: base.hostname,
          port: base.port,
          method,
          path,
          servername: options.servername ?? 'mtokentest.kaspi.kz',
          ca: options.caPem,
          cert: options.clientCertificate?.certPem,
          key: options.clientCertificate?.keyPem,
          agent,
          headers: {
            'content-type': 'application/json',
            'x-request-id': crypto.randomUUID(),
            ...options.headers,
            ...(payload === undefined ? {} : { 'content-length': Buffer.byteLength(payload) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            try {
              const text = Buffer.concat(chunks).toString('utf8');
              resolve({ httpStatus: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> });
            } catch (error) {
              reject(error instanceof Error ? error : new Error(String(error)));
            }
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
}
