/**
 * Joins two sockets both ways, for the harness's byte relays (the docker stack's unix-socket relays
 * and bridge forwarder, PHP's network namespace holder). A clean end reaches the other side through
 * pipe() after the bytes still buffered for it; an error ends the other side at once.
 */
import type { Socket } from 'node:net';

export function spliceSockets(
  client: Socket,
  upstream: Socket,
  /**
   * `reset`: a failed upstream (a refused connect: the payment-service "down") resets the client,
   * the closest a relay comes to passing the refusal on; `destroy`: it just closes the client.
   */
  onUpstreamError: 'reset' | 'destroy' = 'reset',
): void {
  client.pipe(upstream).pipe(client);
  upstream.on('error', () => (onUpstreamError === 'reset' ? client.resetAndDestroy() : client.destroy()));
  client.on('error', () => upstream.destroy());
}
