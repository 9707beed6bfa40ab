/**
 * The service's listening socket, with an outage switch. down() closes the listener (new
 * connections are refused) and destroys open keep-alive sockets, so a client sees the outage on its
 * very next request instead of reusing a live connection; up() listens again on the same port.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { once } from 'node:events';
import { applyRequestTimeouts } from '../../platform/http-limits.ts';

export class SwitchableListener {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;
  /** down()/up() run one at a time, in call order, whatever the control API receives concurrently. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly handler: RequestListener,
    private readonly host = '127.0.0.1',
    /** Builds the server on every up(): plain HTTP by default, HTTPS for the TLS listener. */
    private readonly createServerFor: (handler: RequestListener) => Server = (h) =>
      createServer({ keepAliveTimeout: 5_000 }, h),
  ) {}

  get port(): number {
    return this.boundPort;
  }

  get isUp(): boolean {
    return this.server !== undefined;
  }

  /** Listens on `port` (0: the kernel picks) and returns the bound port. */
  start(port: number): Promise<number> {
    this.boundPort = port;
    return this.serialize(() => this.open());
  }

  down(): Promise<void> {
    return this.serialize(() => this.shut());
  }

  up(): Promise<void> {
    return this.serialize(async () => {
      await this.open();
    });
  }

  private serialize<T>(step: () => Promise<T>): Promise<T> {
    const next = this.queue.then(step, step);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async open(): Promise<number> {
    if (this.server) return this.boundPort;
    const server = applyRequestTimeouts(this.createServerFor(this.handler));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    // Many simultaneous clients (load tests) must queue, not be reset.
    server.listen({ port: this.boundPort, host: this.host, backlog: 1_024 });
    try {
      // once() rejects when 'error' comes first (EADDRINUSE: the port was taken while we were down).
      await once(server, 'listening');
    } catch (error) {
      throw new Error(`cannot listen on ${this.host}:${this.boundPort}: ${(error as Error).message}`);
    }
    const address = server.address();
    if (address && typeof address === 'object') this.boundPort = address.port;
    this.server = server;
    return this.boundPort;
  }

  private async shut(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }
}
