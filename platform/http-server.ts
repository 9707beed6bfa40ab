/**
 * An HTTP server of the harness's own (a control API, a simulator's helper service) as a running part:
 * bound to loopback, with the harness's header and request timeouts, on the port asked for or one the
 * kernel picks; `stop()` drops every open connection and closes the port.
 */
import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import { applyRequestTimeouts } from './http-limits.ts';
import { running, type Running } from './lifecycle.ts';

export interface HttpListener extends Running {
  server: Server;
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
}

export async function listenHttp(listener: RequestListener, port = 0): Promise<HttpListener> {
  const server = applyRequestTimeouts(createServer(listener));
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('the HTTP server has no TCP address');
  return running<HttpListener>(
    { server, port: address.port, url: `http://127.0.0.1:${address.port}` },
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
}
