/**
 * What every control API (the simulators', the harness's, the egress proxy's record) checks before it
 * routes a request: that a browser page on another origin cannot have forged it. A page can make a
 * browser send a cross-origin "simple" request (POST with a text/plain or form body, or no body) to
 * 127.0.0.1 without asking first, and a DNS-rebinding page can even read answers, under its own host
 * name. So a control API answers only:
 *
 * - a loopback `Host` (`127.0.0.1` and the rest of 127/8, `localhost`, `::1`) or one configured in
 *   `hosts` / KASPI_HARNESS_CONTROL_HOSTS (comma-separated): a rebinding page's requests carry its own;
 * - no `Origin` other than the API's own (`Origin: null` included), and no `Sec-Fetch-Site` of
 *   `cross-site` or `same-site` on a write: what a browser adds to a page's cross-origin requests;
 * - for a write (any method but GET and HEAD), `Content-Type: application/json`, which no page can
 *   send to another origin without a CORS preflight, and no control API answers one.
 *
 * Anything else is refused with 403 and a one-line reason (platform/http/control-api.ts). Same-origin
 * pages (the Kaspi dashboard) and programs (the typed clients, curl with `-H 'content-type:
 * application/json'`) pass. It says nothing about who runs on this machine: any local process can
 * still call a control API, as intended.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

export interface ControlGuardOptions {
  /** More host names (no port) that address this API, besides the loopback ones. */
  hosts?: readonly string[];
}

/** Extra control hosts from the environment: `KASPI_HARNESS_CONTROL_HOSTS=harness.internal,…`. */
export function configuredControlHosts(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.KASPI_HARNESS_CONTROL_HOSTS ?? '')
    .split(',')
    .map((host) => host.trim().toLowerCase())
    .filter((host) => host !== '');
}

/** `127.0.0.1:9545` → `127.0.0.1`, `[::1]:80` → `::1`; undefined when it is no host at all. */
function hostName(authority: string): string | undefined {
  const match = /^(?:\[([0-9a-f:.]+)\]|([^:[\]]+))(?::\d{1,5})?$/i.exec(authority.trim());
  const name = match?.[1] ?? match?.[2];
  return name?.toLowerCase().replace(/\.$/, '');
}

function isLoopback(name: string): boolean {
  if (name === 'localhost' || name === '::1') return true;
  return isIP(name) === 4 && name.startsWith('127.');
}

/** `host:port` with the scheme's default port made explicit, for comparing Origin with Host. */
function withPort(authority: string, defaultPort: string): string {
  const lower = authority.trim().toLowerCase();
  return /:\d+$/.test(lower) && !/^\[[^\]]*\]$/.test(lower) ? lower : `${lower}:${defaultPort}`;
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};

const readMethods = new Set(['GET', 'HEAD']);

/** Why this request may not drive a control API, or undefined when it may. */
export function controlRefusal(req: IncomingMessage, options: ControlGuardOptions = {}): string | undefined {
  const allowed = new Set([
    ...(options.hosts ?? []).map((h) => h.toLowerCase()),
    ...configuredControlHosts(),
  ]);
  const hostHeader = header(req, 'host');
  // No Host at all is HTTP/1.0 from a program: a browser always sends one (Node refuses HTTP/1.1 without).
  if (hostHeader !== undefined) {
    const name = hostName(hostHeader);
    if (name === undefined || !(isLoopback(name) || allowed.has(name)))
      return `Host ${JSON.stringify(hostHeader.slice(0, 100))} is not a loopback name: control APIs answer only 127.0.0.1, localhost or ::1 (or KASPI_HARNESS_CONTROL_HOSTS)`;
  }
  const origin = header(req, 'origin');
  if (origin !== undefined) {
    let own = false;
    try {
      const url = new URL(origin);
      own =
        url.protocol === 'http:' &&
        hostHeader !== undefined &&
        withPort(url.host, '80') === withPort(hostHeader, '80');
    } catch {
      own = false; // `null` (a sandboxed or file:// page) or garbage
    }
    if (!own)
      return `Origin ${JSON.stringify(origin.slice(0, 100))} is not this API's own: control APIs do not answer pages of other origins`;
  }
  const method = req.method ?? 'GET';
  if (readMethods.has(method)) return undefined;
  const site = header(req, 'sec-fetch-site');
  if (site === 'cross-site' || site === 'same-site')
    return `a ${site} request from a browser page: control APIs do not answer pages of other origins`;
  const mediaType = (header(req, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json')
    return `${method} needs Content-Type: application/json (got ${mediaType === '' ? 'none' : JSON.stringify(mediaType.slice(0, 60))})`;
  return undefined;
}
