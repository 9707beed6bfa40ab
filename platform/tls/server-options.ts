/**
 * TLS options every simulator's HTTPS listener shares.
 *
 * No stateless session tickets. The team's integration opens a new curl handle for every call, so a
 * client never resumes a session, and the two tickets Node's TLS 1.3 server seals after every
 * handshake were pure cost, twice per checkout. Measured (bench/README.md, round 5): against PHP's
 * curl with a client certificate, 3.7–4.4 → 2.9–3.8 CPU-ms per request in Node; in the stack, 70
 * sellers × 10 orders alternated five times, Node's CPU ÷ PHP's 0.82 → 0.78.
 */
import { constants } from 'node:crypto';
import { requestTimeouts } from '../http-limits.ts';

export const simulatorTlsOptions = {
  secureOptions: constants.SSL_OP_NO_TICKET,
  // A client that stalls its handshake is cut off as one that stalls its request (Node's default: 120 s).
  handshakeTimeout: requestTimeouts.requestTimeoutMs,
} as const;
