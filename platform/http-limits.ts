/**
 * Limits every simulator and control API puts on what a client sends, so a hostile or broken one
 * gets a clear answer or a closed connection in seconds, never a hung socket or a crashed process:
 *
 * - headers must arrive within 5 s and the whole request within 10 s (Node's defaults are 60 s and
 *   300 s, checked only every 30 s): a client trickling bytes is answered 408 and cut off. Slow
 *   answers (latency faults, a blackhole the test switched on) are not bounded by this: the clock stops
 *   once the request is in;
 * - JSON nested deeper than `maxJsonDepth` is refused before it is parsed into objects anything
 *   walks recursively (echoing such a body in a 422 overflowed the stack and reset the connection).
 *   No Kaspi or payment-service body nests beyond 3 levels;
 * - a body is read up to `bodyLimits` (413 past it): 1 MiB on the simulated APIs, 64 KiB on a
 *   control API, whose few larger bodies (a seed document, an OpenAPI profile) say so per route.
 */
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

export const requestTimeouts = {
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  /** How often Node looks for connections past those deadlines (its default: every 30 s). */
  checkEveryMs: 1_000,
} as const;

/**
 * Sets the timeouts on a server before it listens (plain or TLS; Node reads the check interval
 * then), and answers CONNECT, which Node otherwise drops without a word on a server that is no
 * proxy, with 405.
 */
export function applyRequestTimeouts<T extends Server>(server: T): T {
  server.headersTimeout = requestTimeouts.headersTimeoutMs;
  server.requestTimeout = requestTimeouts.requestTimeoutMs;
  // A public property Node reads when the server starts listening; its typings only know the option.
  Object.assign(server, { connectionsCheckingInterval: requestTimeouts.checkEveryMs });
  server.on('connect', (_req, socket: Duplex) => {
    socket.on('error', () => socket.destroy());
    socket.end(
      'HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, POST, PUT, DELETE\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
    );
  });
  return server;
}

export const maxJsonDepth = 32;

export const bodyLimits = {
  /** The simulated APIs (Kaspi's, the payment-service's). */
  api: 1024 * 1024,
  /** A control API's writes: a fault, a config, a clock change. */
  control: 64 * 1024,
} as const;

/**
 * Whether JSON text opens more than `limit` arrays or objects inside one another, counted without
 * parsing (brackets inside strings do not count). Malformed text is not judged: the parser will be.
 */
export function jsonTooDeep(text: string, limit = maxJsonDepth): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 92 /* \ */) i += 1;
      else if (code === 34 /* " */) inString = false;
    } else if (code === 34) inString = true;
    else if (code === 123 /* { */ || code === 91 /* [ */) {
      depth += 1;
      if (depth > limit) return true;
    } else if (code === 125 /* } */ || code === 93 /* ] */) depth -= 1;
  }
  return false;
}

/**
 * A request target (origin-form `/path?query` or absolute-form `http://host/path`) as a URL, or
 * undefined when it is none. `new URL(target, base)` throws on targets such as `//` or `//a:b`, and
 * a throw in a request listener is an uncaught exception: it ended the whole process.
 */
export function requestTarget(target: string | undefined): URL | undefined {
  const raw = target ?? '/';
  try {
    // Origin-form is a path even when it starts with `//` (not a scheme-relative URL).
    return raw.startsWith('/') ? new URL(`http://localhost${raw}`) : new URL(raw);
  } catch {
    return undefined;
  }
}
