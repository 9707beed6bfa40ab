/**
 * Joins two sockets both ways, for the harness's byte relays (the docker stack's unix-socket relays
 * and bridge forwarder, PHP's network namespace holder). Whatever happens on one side reaches the
 * other as faithfully as its socket type allows, and never throws:
 *
 * - bytes and a clean end (FIN) go through pipe(), the end after the bytes still buffered for it;
 *   each direction ends on its own, so a client that half-closes after its request still gets the
 *   answer, and an upstream that half-closes still gets what the client sends after;
 * - an error on one side (a refused connect: the payment-service "down"; a reset) resets the other
 *   side when it is TCP (RST: its peer sees ECONNRESET, the closest a relay comes to the refusal
 *   itself) and ends it after the bytes already relayed when it is a unix socket, which has no reset
 *   (resetAndDestroy() throws ERR_INVALID_HANDLE_TYPE on one, which used to kill the whole relay
 *   process, and the docker stack's sandbox container with it).
 */
import type { Socket } from 'node:net';

/** How long a unix peer that was sent an end may take to close its side before it is cut off. */
const unixCloseGraceMs = 2_000;

/** Passes a failure on to `socket`: a reset where it is TCP, else an end after what is buffered. */
export function passFailureOn(socket: Socket): void {
  if (socket.destroyed) return;
  try {
    // A socket still connecting is reset once connected; one without a handle is destroyed.
    socket.resetAndDestroy();
    return;
  } catch {
    // Not a TCP handle (a unix socket): there is no reset to send.
  }
  // What the peer still sends has nowhere to go: reading it keeps the close a clean end (closing a
  // unix socket with unread bytes would reach the peer as ECONNRESET, or not, by timing).
  socket.resume();
  socket.end();
  setTimeout(() => socket.destroy(), unixCloseGraceMs).unref();
}

export function spliceSockets(client: Socket, upstream: Socket): void {
  for (const [from, to] of [
    [client, upstream],
    [upstream, client],
  ] as const) {
    from.allowHalfOpen = true;
    from.on('error', () => passFailureOn(to));
    from.pipe(to);
  }
}
