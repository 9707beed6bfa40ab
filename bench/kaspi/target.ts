/**
 * One benchmark target in its own process, so its RSS is its own: `simulator` (our adapter with the
 * fast path and the journal on), `stock` (the same msw handlers behind @mswjs/http-middleware), or
 * `bare` (node:http answering a fixed JSON body). Listens on 127.0.0.1 only and talks to the
 * orchestrator over IPC: `{ ready: url }`, then answers `memory` and `clear-purchases` messages.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createStockServer } from '@mswjs/http-middleware';
import { allOrganizations } from '../../fixtures/organizations.ts';
import { createKaspiHandlers } from '../../simulator/kaspi/handlers.ts';
import { startKaspiSimulator } from '../../simulator/kaspi/server.ts';
import { KaspiState } from '../../simulator/kaspi/state.ts';

export type TargetName = 'simulator' | 'stock' | 'bare';
export type TargetRequest = { type: 'memory' } | { type: 'clear-purchases' } | { type: 'stop' };
export interface TargetMemory {
  rssMb: number;
  heapUsedMb: number;
  journalSize: number | null;
}

const name = process.argv[2] as TargetName;
const stockHandlers = () => createKaspiHandlers(new KaspiState({ organizations: allOrganizations }));
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const send = (message: unknown) => process.send?.(message);

let clearPurchases = () => {};
let journalSize = (): number | null => null;
let stop: () => Promise<void>;

if (name === 'simulator') {
  const sim = await startKaspiSimulator({ journalSize: 10_000 });
  // Purchases are domain state kept for scenarios; the soak clears them between rounds, the
  // journal (bounded) is left alone so its ring buffer is what the memory figures show.
  clearPurchases = () => sim.state.reset();
  journalSize = () => sim.journal.size;
  stop = () => sim.stop();
  send({ ready: sim.url });
} else {
  const fixed = JSON.stringify({
    StatusCode: 0,
    Message: 'OK',
    Data: { QrPaymentId: 100000001, Status: 'Wait' },
  });
  const server =
    name === 'stock'
      ? createServer(
          // http-middleware resolves its own copy of msw's types; the handlers are the same objects.
          createStockServer(...(stockHandlers() as unknown as Parameters<typeof createStockServer>)),
        )
      : createServer((req, res) => {
          req.resume();
          req.on('end', () => {
            res.writeHead(200, {
              'content-type': 'application/json; charset=utf-8',
              'content-length': Buffer.byteLength(fixed),
            });
            res.end(fixed);
          });
        });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stop = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  send({ ready: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}

process.on('message', (message: TargetRequest) => {
  if (message.type === 'memory') {
    (globalThis as { gc?: () => void }).gc?.();
    const usage = process.memoryUsage();
    send({ memory: { rssMb: mb(usage.rss), heapUsedMb: mb(usage.heapUsed), journalSize: journalSize() } });
  } else if (message.type === 'clear-purchases') {
    clearPurchases();
    send({ cleared: true });
  } else {
    void stop().then(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
