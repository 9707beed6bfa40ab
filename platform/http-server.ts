/**
 * An HTTP server of the harness's own (a control API, a simulator's helper service) as a running part:
 * bound to loopback, with the harness's header and request timeouts, on the port asked for or one the
 * kernel picks; `stop()` drops every open connection and closes the port.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import { applyRequestTimeouts } from './http-limits.ts';
import { listening, type Listening } from './listening.ts';

export interface HttpListener extends Listening<Server> {
  /** `http://127.0.0.1:<port>` */
  url: string;
}

export async function listenHttp(listener: RequestListener, port = 0): Promise<HttpListener> {
  const part = await listening(applyRequestTimeouts(createServer(listener)), { port });
  return Object.assign(part, { url: `http://127.0.0.1:${part.port}` });
}
