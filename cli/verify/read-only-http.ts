/**
 * The only HTTP the verifier has: GET, nothing else, with the PHP client's 10 s budget. Checking a
 * production service must never change it, so the type offers no other method to call.
 */
export interface Probe {
  url: string;
  /** HTTP status; 0 when no answer came (refused, timeout, TLS error). */
  status: number;
  /** Parsed JSON, or undefined when the body was not JSON. */
  json: unknown;
  /** Why there was no usable answer. */
  error?: string;
}

export interface ReadOnlyHttp {
  get(path: string): Promise<Probe>;
}

export function readOnlyHttp(baseUrl: string, timeoutMs = 10_000): ReadOnlyHttp {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    async get(path) {
      const url = `${base}${path}`;
      try {
        const response = await fetch(url, { method: 'GET', signal: AbortSignal.timeout(timeoutMs) });
        const text = await response.text();
        try {
          return { url, status: response.status, json: JSON.parse(text) as unknown };
        } catch {
          return { url, status: response.status, json: undefined, error: 'body is not JSON' };
        }
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        return {
          url,
          status: 0,
          json: undefined,
          error: cause?.code ?? cause?.message ?? (error as Error).message,
        };
      }
    },
  };
}
