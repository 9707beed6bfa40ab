/**
 * What a scenario file gets from the stack that the global setup booted: the plain StackInfo and
 * clients for each part, all over the network, as a user's own tooling would reach them.
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

export function connectToStack(): StackClients {
  const info = stackForThisWorker();
  const mysqlPool = mysql.createPool({
    host: info.mariadb.host,
    port: info.mariadb.port,
    user: info.mariadb.user,
    password: info.mariadb.password,
    database: info.mariadb.database,
    connectionLimit: 4,
  });
  const postgres = new pg.Pool({ connectionString: info.postgres.url, max: 4 });
  return {
    info,
    kaspi: new KaspiControlClient(info.kaspi.controlUrl),
    paymentService: new PaymentServiceControlClient(info.paymentService.controlUrl),
    mysql: mysqlPool,
    postgres,
    close: async () => {
      await Promise.all([mysqlPool.end(), postgres.end()]);
    },
  };
}
