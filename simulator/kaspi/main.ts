/**
 * Standalone Kaspi simulator:
 *
 *   npx tsx simulator/kaspi/main.ts [--port N] [--control-port N] [--no-tls]
 *
 * Prints its URLs (Kaspi, per-scheme listeners, control API, dashboard, OpenAPI) and runs until
 * SIGINT/SIGTERM, then closes every listener and exits 0. `kaspi-harness sim kaspi` calls
 * `runKaspiSimulatorStandalone` with its remaining arguments.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startKaspiSimulator } from './server.ts';

class UsageError extends Error {}

function portOption(value: string | undefined, name: string): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`--${name} must be a port number (0-65535), got ${value}`);
  }
  return port;
}

/** Runs until SIGINT/SIGTERM; resolves with the process exit code (2 for bad arguments). */
export async function runKaspiSimulatorStandalone(argv: readonly string[]): Promise<number> {
  let options;
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        'control-port': { type: 'string' },
        'no-tls': { type: 'boolean', default: false },
      },
      strict: true,
    });
    options = {
      port: portOption(values.port, 'port'),
      controlPort: portOption(values['control-port'], 'control-port'),
      tls: !values['no-tls'],
    };
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    console.error('usage: main.ts [--port N] [--control-port N] [--no-tls]');
    return 2;
  }

  const simulator = await startKaspiSimulator(options);
  const lines: [string, string][] = [
    ['Kaspi API (all schemes, plain HTTP)', simulator.url],
    ['Kaspi r1', simulator.listeners.r1],
    ['Kaspi r2', simulator.listeners.r2],
    ['Kaspi r3', simulator.listeners.r3],
    ['Control API', simulator.controlUrl],
    ['Dashboard', `${simulator.controlUrl}/dashboard`],
    ['OpenAPI', `${simulator.controlUrl}/openapi.json`],
  ];
  for (const [label, url] of lines) console.log(`${`${label}:`.padEnd(38)}${url}`);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      console.log(`${signal}: stopping`);
      simulator.close().then(
        () => resolve(0),
        (error: unknown) => {
          console.error('close failed:', error);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runKaspiSimulatorStandalone(process.argv.slice(2));
}
