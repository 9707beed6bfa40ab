/**
 * TLS termination for routes whose target speaks plain HTTP: inside a CONNECT tunnel the proxy
 * answers TLS itself with a harness-CA certificate for the requested hostname (so PHP's own
 * certificate checks pass), reads the HTTP requests and forwards them to the target. A client
 * certificate PHP presents is checked against the harness CA and its subject passed on in
 * `X-Harness-Client-Cert`, so a plain-HTTP simulator can still tell r2/r3 callers without one.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import { requestTarget } from '../http-limits.ts';
import { issueServerCertificate, type CertificateAuthority } from '../tls/ca.ts';
import type { EgressTarget } from './routes.ts';

export const clientCertHeader = 'x-harness-client-cert';

/** Forwards one HTTP request to `target`, keeping method, path, headers and body. */
export function forwardHttp(
  req: IncomingMessage,
  res: ServerResponse,
  target: EgressTarget,
  path: string,
  extraHeaders: Record<string, string> = {},
): void {
  const headers = { ...req.headers, ...extraHeaders };
  delete headers['proxy-connection'];
  delete headers['proxy-authorization'];
  const upstream = request(
    { host: target.host, port: target.port, method: req.method, path, headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', (error) => {
    if (!res.headersSent)
      res.writeHead(502, { 'content-type': 'text/plain', 'x-harness-egress': 'target-down' });
    res.end(`egress proxy: target ${target.host}:${target.port} failed: ${error.message}\n`);
  });
  req.pipe(upstream);
}

export class TlsTerminator {
  private readonly contexts = new Map<string, Promise<SecureContext>>();
  private readonly servers = new Set<Server>();

  constructor(private readonly ca: CertificateAuthority) {}

  private contextFor(hostname: string): Promise<SecureContext> {
    let context = this.contexts.get(hostname);
    if (!context) {
      context = issueServerCertificate(this.ca, [hostname]).then((issued) =>
        createSecureContext({ cert: issued.certPem, key: issued.keyPem }),
      );
      this.contexts.set(hostname, context);
    }
    return context;
  }

  /** Takes over an established CONNECT tunnel (the 200 already written). */
  async accept(socket: Socket, hostname: string, target: EgressTarget): Promise<void> {
    const secureContext = await this.contextFor(hostname);
    const tlsSocket = new TLSSocket(socket, {
      isServer: true,
      secureContext,
      requestCert: true,
      rejectUnauthorized: false,
      ca: this.ca.certPem,
    });
    const server = createServer((req, res) => {
      const peer = tlsSocket.getPeerCertificate();
      const subject = tlsSocket.authorized && peer.subject ? `CN=${String(peer.subject.CN)}` : '';
      // PHP's stream wrapper sends the absolute URI inside the tunnel too (request_fulluri).
      const raw = req.url ?? '/';
      const absolute = /^https?:\/\//i.test(raw) ? requestTarget(raw) : undefined;
      if (absolute === undefined && raw !== '' && !raw.startsWith('/')) {
        // Neither a path nor a URL (`http://a:b/`): new URL() would throw, and end the harness.
        res.writeHead(400, { 'content-type': 'text/plain' }).end('egress proxy: bad request target\n');
        return;
      }
      const path = absolute ? `${absolute.pathname}${absolute.search}` : raw;
      forwardHttp(req, res, target, path, { [clientCertHeader]: subject });
    });
    this.servers.add(server);
    tlsSocket.on('close', () => {
      server.close();
      this.servers.delete(server);
    });
    tlsSocket.on('error', () => tlsSocket.destroy());
    server.emit('connection', tlsSocket);
  }

  close(): void {
    for (const server of this.servers) server.close();
    this.servers.clear();
  }
}
