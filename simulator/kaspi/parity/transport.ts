/**
 * One HTTP exchange for the parity conversation, over node:http(s) so a client certificate (r2/r3)
 * and a private CA can be presented to a real Kaspi host. Bounded by a timeout.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface TlsMaterial {
  cert?: string;
  key?: string;
  ca?: string;
}

export interface WireAnswer {
  httpStatus: number;
  /** Parsed JSON, or the raw text when the answer was not JSON. */
  body: unknown;
  /**
   * The answer's header names as sent, in order (values differ by nature: dates, lengths, ids).
   * Absent in snapshots recorded before names were kept.
   */
  headerNames?: string[];
}

export function exchange(
  baseUrl: string,
  method: string,
  path: string,
  body: unknown,
  tls: TlsMaterial,
  timeoutMs = 15_000,
): Promise<WireAnswer> {
  const url = new URL(path, baseUrl);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        timeout: timeoutMs,
        headers: {
          accept: 'application/json',
          ...(payload !== undefined
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
        },
        ...(url.protocol === 'https:' ? { cert: tls.cert, key: tls.key, ca: tls.ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // keep the text: a non-JSON answer is itself a difference worth reporting
          }
          const headerNames = res.rawHeaders.filter((_, index) => index % 2 === 0);
          resolve({ httpStatus: res.statusCode ?? 0, body: parsed, headerNames });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url.href} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}
