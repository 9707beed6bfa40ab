/**
 * The HTTPS listener: the same service behind a certificate for payment-service.up.railway.app
 * (and *.up.railway.app, 127.0.0.1) from the harness CA, so the PHP client's curl can verify it
 * through the egress proxy exactly as it would verify Railway's.
 *
 * A `tls-failure` fault swaps in a certificate for the same names from a foreign CA: every
 * handshake then fails verification on the client's side. Each failed handshake uses one firing.
 */
import type { RequestListener } from 'node:http';
import { createServer } from 'node:https';
import {
  createCertificateAuthority,
  issueServerCertificate,
  type CertificateAuthority,
} from '../../platform/tls/ca.ts';
import { simulatorTlsOptions } from '../../platform/tls/server-options.ts';
import { shareInProcess } from '../../platform/egress/in-process.ts';
import { SwitchableListener } from './listener.ts';

export const tlsHostnames = ['payment-service.up.railway.app', '*.up.railway.app', '127.0.0.1'] as const;

export interface TlsListener {
  listener: SwitchableListener;
  /** Present the foreign certificate (true) or the harness CA's (false) on new handshakes. */
  setFailing(failing: boolean): void;
}

export async function createTlsListener(
  ca: CertificateAuthority,
  handler: RequestListener,
  onFailedHandshake: () => void,
): Promise<TlsListener> {
  const foreignCa = await createCertificateAuthority({ commonName: 'not the harness CA' });
  const [good, foreign] = await Promise.all([
    issueServerCertificate(ca, tlsHostnames),
    issueServerCertificate(foreignCa, tlsHostnames),
  ]);
  let failing = false;
  let current: ReturnType<typeof createServer> | undefined;
  const listener = new SwitchableListener(handler, '127.0.0.1', (h) => {
    const pair = failing ? foreign : good;
    const server = createServer(
      { ...simulatorTlsOptions, cert: pair.certPem, key: pair.keyPem, keepAliveTimeout: 5_000 },
      h,
    );
    // The egress proxy of the same process hands PHP's tunnels to it without a loopback hop.
    shareInProcess(server);
    server.on('tlsClientError', () => {
      if (failing) onFailedHandshake();
    });
    current = server;
    return server;
  });
  return {
    listener,
    setFailing(next) {
      if (next === failing) return;
      failing = next;
      const context = failing ? foreign : good;
      // Applies to new handshakes; connections already established keep theirs, as with a real rotation.
      current?.setSecureContext({ cert: context.certPem, key: context.keyPem });
    },
  };
}
