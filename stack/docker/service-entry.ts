/**
 * Entry of the simulators image: `service-entry.ts kaspi|payment-service|bitrix-init`. Starts the
 * same simulator the native stack starts, on the ports docker-compose.yml gives, prints one
 * `kaspi-harness: <service> ready` line (the harness's log-message wait strategy), and closes cleanly
 * on SIGTERM (docker stop).
 */
import { allOrganizations } from '../../fixtures/organizations.ts';
import { startKaspiSimulator } from '../../simulator/kaspi/server.ts';
import { startPaymentServiceSimulator } from '../../simulator/payment-service/server.ts';
import { initBitrix } from './bitrix-init.ts';
import { forwardToLoopback, type Forwarder } from './forward.ts';
import { networkModeFrom, peerHost, portsFrom, readyLine } from './settings.ts';

interface Running {
  close(): Promise<void>;
}

async function start(service: string): Promise<Running | undefined> {
  const mode = networkModeFrom(process.env);
  const ports = portsFrom(process.env);
  const forward = async (listening: number[]): Promise<Forwarder | undefined> =>
    mode === 'bridge' ? forwardToLoopback(listening) : undefined;

  switch (service) {
    case 'kaspi': {
      const kaspi = await startKaspiSimulator({
        organizations: allOrganizations,
        port: ports.kaspi,
        controlPort: ports.kaspiControl,
      });
      const forwarder = await forward([ports.kaspi, ports.kaspiControl]);
      console.log(`Kaspi simulator ${kaspi.url}, control API ${kaspi.controlUrl}`);
      return { close: async () => (await forwarder?.close(), kaspi.close()) };
    }
    case 'payment-service': {
      const paymentService = await startPaymentServiceSimulator({
        databaseUrl: `postgres://postgres@${peerHost('postgres', mode)}:${ports.postgres}/postgres`,
        port: ports.paymentService,
        controlPort: ports.paymentServiceControl,
      });
      const forwarder = await forward([ports.paymentService, ports.paymentServiceControl]);
      console.log(
        `payment-service simulator ${paymentService.url}/api, control API ${paymentService.controlUrl}`,
      );
      return { close: async () => (await forwarder?.close(), paymentService.close()) };
    }
    case 'bitrix-init':
      await initBitrix(mode, ports, process.env);
      return undefined;
    default:
      throw new Error(`unknown service "${service}": expected kaspi, payment-service or bitrix-init`);
  }
}

const service = process.argv[2] ?? '';
try {
  const running = await start(service);
  console.log(readyLine(service));
  if (running) {
    const stop = (signal: NodeJS.Signals): void => {
      console.log(`${signal}: stopping ${service}`);
      running.close().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(`close failed: ${error instanceof Error ? error.message : String(error)}`);
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  }
} catch (error) {
  console.error(`${service}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
}
