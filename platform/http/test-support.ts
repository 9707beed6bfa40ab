/** For tests of HTTP servers: a request as raw as node:http sends it. */
import { request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';

export interface RawReply {
  status: number;
  headers: IncomingHttpHeaders;
  /** Parsed when it is JSON, else the text as it came. */
  body: unknown;
}

/**
 * Sends `method path` to `base` with exactly these headers (fetch() would not let a test set Host,
 * Origin or Sec-Fetch-Site) on a connection of its own; with `timeoutMs`, fails when no answer
 * comes within it.
 */
export function sendRaw(
  base: string,
  method: string,
  path: string,
  body?: string,
  headers: OutgoingHttpHeaders = {},
  timeoutMs?: number,
): Promise<RawReply> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path, headers, agent: false, timeout: timeoutMs },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: kept as text, and the test says so
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer`)));
    req.on('error', reject);
    req.end(body);
  });
}
