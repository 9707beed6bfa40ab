/**
 * Who may call: r1 authenticates with an `Api-Key` header, r2/r3 with a client certificate (mutual
 * TLS). The TLS listener knows the certificate; handlers only see a Fetch Request, so the listener
 * writes its verdict into `clientCertificateHeader` (overwriting whatever a client sent) and the
 * handlers read it. In-process use (msw `setupServer`) has no TLS and leaves the check off.
 *
 * Both failures answer HTTP 200 `{StatusCode: -10000}`: the document's code for "no client
 * certificate", the only authentication code in the catalogue, so clients hit their auth branch.
 */
import { StatusCode } from './status-codes.ts';

export const clientCertificateHeader = 'x-kaspi-simulator-client-certificate';

/** What the TLS listener saw: a certificate that chains to Kaspi's partner CA, an untrusted one, or none. */
export type CertificateVerdict = 'verified' | 'untrusted' | 'none';

export function decodeVerdict(value: string | null): CertificateVerdict {
  return value === 'verified' || value === 'untrusted' ? value : 'none';
}

export interface ApiKeyPolicy {
  /**
   * Which keys the host takes: `test` hosts take `test_…` keys, `prod` hosts `prod_…` keys; the
   * other prefix is refused, as a production key must never work against the test host.
   */
  environment: 'test' | 'prod';
  /** When given, only these exact keys are accepted (still with the right prefix). */
  keys?: readonly string[];
}

export const defaultApiKeyPolicy: ApiKeyPolicy = { environment: 'test' };

export interface AuthFailure {
  statusCode: number;
  message: string;
}

export function checkApiKey(policy: ApiKeyPolicy, key: string | null): AuthFailure | undefined {
  const refuse = (message: string): AuthFailure => ({ statusCode: StatusCode.noClientCertificate, message });
  if (key === null || key.trim() === '') return refuse('Api-Key header is missing');
  const prefix = `${policy.environment}_`;
  if (!key.startsWith(prefix)) {
    return refuse(`Api-Key must start with ${prefix} on this host`);
  }
  if (key.length <= prefix.length) return refuse('Api-Key is empty');
  if (policy.keys !== undefined && !policy.keys.includes(key)) return refuse('Api-Key is not valid');
  return undefined;
}

export function checkClientCertificate(headerValue: string | null): AuthFailure | undefined {
  const verdict = decodeVerdict(headerValue);
  if (verdict === 'verified') return undefined;
  return {
    statusCode: StatusCode.noClientCertificate,
    message: verdict === 'none' ? 'No client certificate' : 'Client certificate is not trusted',
  };
}
