/**
 * startPaymentServiceSimulator: the payment-service as the Bitrix client sees it, on a real
 * PostgreSQL with the production schema, plus a control API to change its data and take it down.
 */
import { sellers as fixtureSellers, type Seller } from '../../fixtures/organizations.ts';
import { startControlServer, type ControlServer } from './control.ts';
import { createPool } from './db.ts';
import { fastapiFallbacks, guideRoutes } from './guide-routes.ts';
import { jsonRouter } from './http.ts';
import { RequestJournal } from './journal.ts';
import { SwitchableListener } from './listener.ts';
import { migrate } from './migrate.ts';
import { seedConfigs } from './seed.ts';

export interface PaymentServiceSimulatorOptions {
  databaseUrl: string;
  /** The shops to seed (and to reset to); the fixtures' sellers by default. */
  sellers?: readonly Seller[];
  port?: number;
  controlPort?: number;
}

export interface PaymentServiceSimulator {
  /** http://127.0.0.1:PORT; the guide's routes live under /api (the PHP client's base URL is `${url}/api`). */
  url: string;
  controlUrl: string;
  close(): Promise<void>;
}

export async function startPaymentServiceSimulator(
  options: PaymentServiceSimulatorOptions,
): Promise<PaymentServiceSimulator> {
  const sellers = options.sellers ?? fixtureSellers;
  const pool = createPool(options.databaseUrl);
  const journal = new RequestJournal();
  const listener = new SwitchableListener(
    jsonRouter(guideRoutes(pool), { ...fastapiFallbacks, onServed: (served) => journal.record(served) }),
  );
  let control: ControlServer | undefined;
  try {
    await migrate(pool);
    await seedConfigs(pool, sellers);
    const port = await listener.start(options.port ?? 0);
    control = await startControlServer({ pool, sellers, listener, journal }, options.controlPort ?? 0);
    const controlServer = control;
    let closing: Promise<void> | undefined;
    return {
      url: `http://127.0.0.1:${port}`,
      controlUrl: `http://127.0.0.1:${control.port}`,
      close: () =>
        (closing ??= (async () => {
          await Promise.all([controlServer.close(), listener.down()]);
          await pool.end();
        })()),
    };
  } catch (error) {
    await Promise.allSettled([control?.close(), listener.down()]);
    await pool.end().catch(() => undefined);
    throw error;
  }
}
