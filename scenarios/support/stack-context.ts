/**
 * What a scenario file gets from the stack that the global setup booted: the plain StackInfo and
 * clients for each part, all over the network, as a user's own tooling would reach them.
 *
 * Nothing is reached before a test or hook first asks: collecting a file's tests (`run --list`)
 * needs no stack, and the global setup boots none for it.
 */
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { StackInfo } from '../../stack/stack.ts';
// The control clients' own modules, not the simulators' index: a test file need not load the servers.
import { KaspiControlClient } from '../../simulator/kaspi/control-client.ts';
import { PaymentServiceControlClient } from '../../simulator/payment-service/control-client.ts';
import { stackForThisWorker } from './stack-pool.ts';

export interface StackClients {
  info: StackInfo;
  kaspi: KaspiControlClient;
  paymentService: PaymentServiceControlClient;
  mysql: mysql.Pool;
  postgres: pg.Pool;
  close(): Promise<void>;
}

/** `make()` on first use, the same value after. */
function once<T>(make: () => T): { get: () => T; made: () => T | undefined } {
  let value: T | undefined;
  return { get: () => (value ??= make()), made: () => value };
}

export function connectToStack(): StackClients {
  const info = once(stackForThisWorker);
  const mysqlPool = once(() =>
    mysql.createPool({
      host: info.get().mariadb.host,
      port: info.get().mariadb.port,
      user: info.get().mariadb.user,
      password: info.get().mariadb.password,
      database: info.get().mariadb.database,
      connectionLimit: 4,
    }),
  );
  const postgres = once(() => new pg.Pool({ connectionString: info.get().postgres.url, max: 4 }));
  const kaspi = once(() => new KaspiControlClient(info.get().kaspi.controlUrl));
  const paymentService = once(() => new PaymentServiceControlClient(info.get().paymentService.controlUrl));
  return {
    get info() {
      return info.get();
    },
    get kaspi() {
      return kaspi.get();
    },
    get paymentService() {
      return paymentService.get();
    },
    get mysql() {
      return mysqlPool.get();
    },
    get postgres() {
      return postgres.get();
    },
    close: async () => {
      await Promise.all([mysqlPool.made()?.end(), postgres.made()?.end()]);
    },
  };
}
