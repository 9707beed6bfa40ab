/**
 * TLS listeners that live in this process (the Kaspi simulator's r1/r2/r3, the payment-service's
 * HTTPS listener), by the loopback port they listen on. When a tunnel route's target is one of them,
 * the egress proxy hands the client's socket straight to that server (`emit('connection')`) instead
 * of opening a second loopback TCP connection to it and copying every byte across.
 *
 * What the client sees is unchanged: the same server object runs the TLS handshake with the same
 * certificate and client-certificate checks, end to end with PHP. What goes away is, per tunnel, a
 * TCP connect/accept and one extra write and read (syscalls, and on this VM costly ones) for every
 * chunk in each direction — measured in bench/README.md.
 *
 * A listener counts only while it listens: a payment-service outage closes its listener, and the
 * proxy then falls back to a real connect, which is refused as before.
 */
import type { AddressInfo, Server } from 'node:net';

const byPort = new Map<number, Server>();

/** Registers `server` (before it listens) for hand-offs on 127.0.0.1 while it is listening. */
export function shareInProcess(server: Server): void {
  server.on('listening', () => {
    const address = server.address() as AddressInfo | string | null;
    if (address && typeof address === 'object' && address.address === '127.0.0.1')
      byPort.set(address.port, server);
  });
  server.on('close', () => {
    for (const [port, registered] of byPort) if (registered === server) byPort.delete(port);
  });
}

/** The in-process server listening on host:port right now, if any. */
export function inProcessListener(host: string, port: number): Server | undefined {
  if (host !== '127.0.0.1') return undefined;
  const server = byPort.get(port);
  return server?.listening ? server : undefined;
}
