/**
 * The header block of every Kaspi answer (r1/r2/r3, plain and TLS, fast path and msw path: all are
 * written by http-adapter.ts).
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

/** Flat [name, value, name, value, …]: node's writeHead keeps this order and casing. */
export function flatHeaders(lines: HeaderLines): OutgoingHttpHeader[] {
  return lines.flat();
}
