/**
 * How both simulators carry out the faults that live below HTTP, on the request's own socket:
 * `reset` (TCP RST), `empty-reply` (FIN without a byte), `garbage` (seeded bytes that are no status
 * line, then FIN) and `blackhole` (nothing, ever: the server's close() drops the connection, and
 * node's requestTimeout is over once the request is in). Over TLS the RST goes on the TCP socket
 * under the TLS one, whose resetAndDestroy() throws (not a TCP handle).
 */
import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { SocketFault } from './faults.ts';

/** The TCP socket under a TLS socket (Node keeps it as `_parent`), if there is one. */
function rawSocketOf(socket: Socket): Socket | undefined {
  const parent: unknown = (socket as Socket & { _parent?: unknown })._parent;
  return parent instanceof Socket ? parent : undefined;
}

export const isSocketFault = (fault: { kind: string } | undefined): fault is SocketFault =>
  fault?.kind === 'blackhole' ||
  fault?.kind === 'reset' ||
  fault?.kind === 'empty-reply' ||
  fault?.kind === 'garbage';

/** Breaks the request's connection as `fault` says; `random` draws the garbage bytes. */
export function breakSocket(req: IncomingMessage, fault: SocketFault, random: () => number): void {
  const socket = req.socket;
  switch (fault.kind) {
    case 'reset':
      (rawSocketOf(socket) ?? socket).resetAndDestroy();
      socket.destroy();
      return;
    case 'empty-reply':
      socket.end();
      return;
    case 'blackhole':
      // Whatever body is still coming is read and dropped; nothing is ever written.
      req.resume();
      return;
    case 'garbage': {
      const bytes = Buffer.alloc(fault.bytes ?? 64);
      for (let i = 0; i < bytes.length; i += 1) bytes[i] = Math.floor(random() * 256);
      bytes[0] = 0; // never a valid status line, whatever the seed produced
      socket.end(bytes);
      return;
    }
  }
}
