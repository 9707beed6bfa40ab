/**
 * Standalone payment-service simulator:
 *   npx tsx simulator/payment-service/main.ts --database-url URL [--port N] [--control-port N]
 */
import { parseArgs } from 'node:util';
import { startPaymentServiceSimulator } from './server.ts';

function portOption(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--${name} must be a port number, got ${raw}`);
  return port;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'database-url': { type: 'string' },
      port: { type: 'string' },
      'control-port': { type: 'string' },
    },
  });
  const databaseUrl = values['database-url'] ?? process.env.DATABASE_URL;
  if (!databaseUrl)
    throw new Error(
      '--database-url (or DATABASE_URL) is required, e.g. postgres://postgres@127.0.0.1:5432/postgres',
    );

  const simulator = await startPaymentServiceSimulator({
    databaseUrl,
    port: portOption(values.port, 'port'),
    controlPort: portOption(values['control-port'], 'control-port'),
  });
  console.log(`payment-service simulator: ${simulator.url}/api (health: ${simulator.url}/api/health)`);
  console.log(`control API: ${simulator.controlUrl}/control/state`);

  const stop = (signal: NodeJS.Signals): void => {
    console.log(`${signal}: stopping`);
    simulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error instanceof Error ? error.message : error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`payment-service simulator: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
