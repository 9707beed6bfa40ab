/**
 * The header block of every Kaspi answer (r1/r2/r3, plain and TLS, fast path and msw path: all are
 * written by http-adapter.ts), and the `header-block` fault that changes its size.
 *
 * No capture of Kaspi's real hosts exists to copy (README.md, "Header block"): the block is modelled
 * on an HTTPS JSON API behind an nginx edge — nginx's own `Server`, `Date`, `Content-Type`,
 * `Content-Length` and `Connection`, the `Vary` its gzip module adds, and the no-cache and hardening
 * headers such an edge sets for an API. It is deterministic apart from `Date`, so a client's parsing
 * of it fails or passes the same way every run. Its point is its shape, not its exact names: a real
 * header block of some hundred bytes, so a client that assumes Node's minimal one (or none) is found.
 */
import type { OutgoingHttpHeader } from 'node:http';

/** Name/value pairs in the order they go on the wire (node writes `Connection`/`Keep-Alive` after them). */
export type HeaderLines = [name: string, value: string][];

export function answerHeaders(body: string, now = new Date()): HeaderLines {
  return [
    ['Server', 'nginx'],
    ['Date', now.toUTCString()],
    ['Content-Type', 'application/json; charset=utf-8'],
    ['Content-Length', String(Buffer.byteLength(body))],
    ['Vary', 'Accept-Encoding'],
    ['Cache-Control', 'no-cache, no-store, must-revalidate'],
    ['Pragma', 'no-cache'],
    ['Expires', '0'],
    ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'],
    ['X-Content-Type-Options', 'nosniff'],
    ['X-Frame-Options', 'DENY'],
  ];
}

/** What a `header-block` fault adds around an answer: interim answers before it, lines inside it. */
export interface HeaderBlockShape {
  /** `103 Early Hints` answers written before the final one (curl shows and counts them all). */
  earlyHints: number;
  /** At least this many bytes of extra header lines in the final answer. */
  extraBytes: number;
}

/** A `header-block` fault's options with their defaults: one Early Hints, 2 KiB of cookies. */
export function headerBlockShape(options: Partial<HeaderBlockShape>): HeaderBlockShape {
  return { earlyHints: options.earlyHints ?? 1, extraBytes: options.extraBytes ?? 2048 };
}

/** A cookie stays under browsers' 4096-byte limit per cookie, as a load balancer's would. */
const cookieChunk = 3_900;

/**
 * Extra `Set-Cookie` lines of a sticky-session load balancer, `bytes` long in all (each line's
 * name, colon, space and CRLF included), deterministic: the same bytes every time.
 */
export function stickyCookies(bytes: number): HeaderLines {
  const lines: HeaderLines = [];
  let left = bytes;
  for (let index = 0; left > 0; index += 1) {
    const prefix = `KSLB${index}=`;
    const suffix = '; Path=/; Secure; HttpOnly';
    // `Set-Cookie: ` + value + CRLF
    const overhead = 'Set-Cookie: '.length + prefix.length + suffix.length + 2;
    const fill = Math.max(1, Math.min(cookieChunk, left - overhead));
    lines.push([
      'Set-Cookie',
      `${prefix}${'0123456789abcdef'.repeat(Math.ceil(fill / 16)).slice(0, fill)}${suffix}`,
    ]);
    left -= overhead + fill;
  }
  return lines;
}

/** The preload an edge's Early Hints would announce. */
export const earlyHint = { link: '</static/pay.css>; rel=preload; as=style' } as const;

/** Flat [name, value, name, value, …]: node's writeHead keeps this order and casing. */
export function flatHeaders(lines: HeaderLines): OutgoingHttpHeader[] {
  return lines.flat();
}
