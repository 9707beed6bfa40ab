/**
 * Standalone Kaspi simulator: `npx tsx simulator/kaspi/main.ts [--port N] [--control-port N]`.
 */
import { parseArgs } from 'node:util';
import { startKaspiSimulator } from './server.ts';

function portOption(value: string | undefined, name: string): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`--${name} must be a port number (0-65535), got ${value}`);
    process.exit(2);
  }
  return port;
}

const { values } = parseArgs({
  options: { port: { type: 'string' }, 'control-port': { type: 'string' } },
  strict: true,
});

const simulator = await startKaspiSimulator({
  port: portOption(values.port, 'port'),
  controlPort: portOption(values['control-port'], 'control-port'),
});
console.log(`Kaspi simulator: ${simulator.url}`);
console.log(`Control API:     ${simulator.controlUrl}`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping`);
  simulator.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('close failed:', error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
