/**
 * The per-scheme listeners, as Kaspi's test host has them (r1 on :8543, r2 on :8544, r3 on :8545):
 * each serves only its scheme's paths (plus the test emulators), r1 checks `Api-Key`, r2/r3 ask for
 * a client certificate without making the handshake depend on it, so a client without one still
 * gets Kaspi's `-10000` answer over TLS instead of a handshake failure.
 *
 * They share the journal and the injected faults with the plain listener. They use its fast path
 * (the same answer functions as the msw handlers, without msw's Fetch objects and route matching)
 * only for a caller that passes this scheme's authentication check and only for this scheme's
 * paths; everything else, every authentication failure included, is answered by the msw handlers
 * exactly as before. msw was a fifth of the harness process's CPU per checkout (bench/README.md).
 */
import type { IncomingMessage, RequestListener } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { ApiKeyPolicy, CertificateVerdict } from './auth.ts';
import { checkApiKey, checkClientCertificate, clientCertificateHeader } from './auth.ts';
import { createFastPath } from './fast-path.ts';
import type { FaultRegistry } from './faults.ts';
import { createKaspiHandlers } from './handlers.ts';
import { createMswNodeListener } from './http-adapter.ts';
import type { Journal } from './journal.ts';
import { attribute, journalEntryFor, parseObject } from './journal-entry.ts';
import { routeCatalogue } from './near-miss.ts';
import type { KaspiState } from './state.ts';
import { refuseKaspiRequest } from './request-checks.ts';
import { StatusCode } from './status-codes.ts';
import type { Scheme } from './types.ts';

export interface SchemeListenerOptions {
  state: KaspiState;
  journal: Journal;
  faults: FaultRegistry;
  scheme: Scheme;
  apiKey: ApiKeyPolicy;
  /** r2/r3 over TLS: check the client certificate. Off for plain-HTTP scheme listeners. */
  requireClientCertificate: boolean;
}

/**
 * What the TLS handshake established about the client's certificate. `authorized` already says a
 * certificate was presented and chains to Kaspi's partner CA; the certificate itself is read only
 * to tell an untrusted one from none (building its X509Certificate cost ~0.4 CPU-ms per request).
 */
export function certificateVerdict(socket: TLSSocket): CertificateVerdict {
  if (socket.authorized) return 'verified';
  return socket.getPeerX509Certificate() === undefined ? 'none' : 'untrusted';
}

export function createSchemeListener(options: SchemeListenerOptions): RequestListener {
  const { state, journal, faults, scheme } = options;
  const requireClientCertificate = options.requireClientCertificate && scheme !== 'r1';
  const handlers = createKaspiHandlers(state, {
    schemes: [scheme],
    apiKey: scheme === 'r1' ? options.apiKey : undefined,
    requireClientCertificate,
  });
  const routes = routeCatalogue(handlers);
  const fast = createFastPath(state);
  const ownPaths = `/${scheme}/`;
  const header = (value: string | string[] | undefined): string | null =>
    value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  const authenticated = (req: IncomingMessage): boolean => {
    if (scheme === 'r1')
      return !options.apiKey || !checkApiKey(options.apiKey, header(req.headers['api-key']));
    return !requireClientCertificate || !checkClientCertificate(header(req.headers[clientCertificateHeader]));
  };
  const inner = createMswNodeListener({
    handlers,
    errorBody: (message) => ({ StatusCode: StatusCode.unavailable, Message: message }),
    faultBody: (statusCode, message) => ({ StatusCode: statusCode, Message: message }),
    fastPath: (method, path, body, req) =>
      path.startsWith(ownPaths) && authenticated(req) ? fast(method, path, body) : undefined,
    onExchange: (exchange) => journal.record(journalEntryFor(state, exchange, routes)),
    refuse: refuseKaspiRequest,
    faults: (method, path, body) =>
      faults.decide({ method, path, bin: () => attribute(state, path, parseObject(body)).organizationBin }),
  });
  return (req, res) => {
    // Always overwrite: a client must not be able to claim a certificate through the header.
    req.headers[clientCertificateHeader] =
      requireClientCertificate && 'getPeerCertificate' in req.socket
        ? certificateVerdict(req.socket as TLSSocket)
        : 'none';
    inner(req, res);
  };
}
