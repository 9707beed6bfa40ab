import { parseArgs } from 'node:util';
import { sellers } from '../../fixtures/organizations.ts';
import { startKaspiSimulator } from '../../simulator/kaspi/index.ts';
import { startPaymentServiceSimulator } from '../../simulator/payment-service/index.ts';
import { recordedRun } from '../../platform/leftovers.ts';
import { startPostgres } from '../../platform/postgres.ts';
import { newRunId } from '../../platform/run-dir.ts';
import { integerFlag, UsageError, type Command } from '../command.ts';
import { allowDirFlags } from '../run-options.ts';
import { interruptOnSignal } from '../interrupt.ts';
import { untilSignal } from '../wait-for-signal.ts';

const options = {
  port: { type: 'string' },
  'control-port': { type: 'string' },
  'database-url': { type: 'string' },
  plain: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  'allow-dir': { type: 'string', multiple: true },
} as const;

/** `[jsonKey, label, url]`: labels for people, keys for the --json ready line. */
type Endpoint = [string, string, string];

function print(json: boolean, endpoints: Endpoint[]): void {
  if (json) {
    const urls = Object.fromEntries(endpoints.map(([key, , url]) => [key, url]));
    console.log(JSON.stringify({ ready: true, pid: process.pid, ...urls }));
  } else {
    for (const [, label, url] of endpoints) console.log(`  ${label.padEnd(36)} ${url}`);
  }
}

async function kaspi(values: { port?: string; 'control-port'?: string; plain: boolean; json: boolean }) {
  const simulator = await startKaspiSimulator({
    port: integerFlag('port', values.port) ?? 0,
    controlPort: integerFlag('control-port', values['control-port']) ?? 0,
    tls: !values.plain,
  });
  // Handlers before the URLs: whoever reads them may signal at once (see up.ts).
  const stopped = untilSignal(() => simulator.stop());
  if (!values.json)
    console.log('Kaspi simulator up (seeded with fixtures/sellers.json and the fallback organization):');
  print(values.json, [
    ['url', 'Kaspi API (plain HTTP, all schemes)', simulator.url],
    ...(['r1', 'r2', 'r3'] as const).map((scheme): Endpoint => [
      scheme,
      `Kaspi ${scheme} (TLS)`,
      simulator.listeners[scheme],
    ]),
    ['controlUrl', 'Dashboard + control API', simulator.controlUrl],
    ['openapiUrl', 'OpenAPI document', `${simulator.controlUrl}/openapi.json`],
  ]);
  return stopped;
}

async function paymentService(values: {
  port?: string;
  'control-port'?: string;
  'database-url'?: string;
  'allow-dir'?: string[];
  json: boolean;
}) {
  const allowDirs = allowDirFlags(values['allow-dir']);
  let databaseUrl = values['database-url'];
  const stoppers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop();
  };
  const interrupt = interruptOnSignal();
  let stopKilling: () => void = () => undefined;
  let simulator: Awaited<ReturnType<typeof startPaymentServiceSimulator>>;
  try {
    if (!databaseUrl) {
      // A private PostgreSQL, recorded like a stack's processes: a SIGKILLed sim leaves it to the
      // next run to end, and a signal during its start ends it at once, as a stack's boot does.
      const run = recordedRun(newRunId());
      stoppers.push(async () => run.remove());
      stopKilling = run.killWhenAborted(interrupt.signal);
      const postgres = await startPostgres({ runDir: run.runDir.path, signal: interrupt.signal });
      stoppers.push(postgres.stop);
      databaseUrl = postgres.url;
    }
    interrupt.signal.throwIfAborted();
    simulator = await startPaymentServiceSimulator({
      databaseUrl,
      sellers,
      port: integerFlag('port', values.port),
      controlPort: integerFlag('control-port', values['control-port']),
      allowDirs,
    });
    stoppers.push(simulator.stop);
    interrupt.signal.throwIfAborted();
  } catch (error) {
    stopKilling();
    await stopAll();
    interrupt.release();
    const interrupted = interrupt.exitCode();
    if (interrupted !== undefined) return interrupted;
    throw error;
  }
  stopKilling();
  const stopped = untilSignal(stopAll);
  interrupt.release();
  if (!values.json) console.log('payment-service simulator up (configs seeded from fixtures/sellers.json):');
  print(values.json, [
    ['url', 'payment-service (guide contract)', `${simulator.url}/api`],
    ['controlUrl', 'Control API', simulator.controlUrl],
    ['databaseUrl', 'PostgreSQL', databaseUrl],
  ]);
  return stopped;
}

export const simCommand: Command = {
  name: 'sim',
  help: `Usage: kaspi-harness sim kaspi|payment-service [options]

Starts one simulator on 127.0.0.1 and keeps it up until Ctrl-C, printing its URLs.

  sim kaspi              the Kaspi QR API (plain HTTP for every scheme, plus r1/r2/r3 TLS listeners),
                         its dashboard, control API and OpenAPI document
  sim payment-service    the payment-service on PostgreSQL (a private one unless --database-url)

Options:
  --port N               the API port (default: a free one)
  --control-port N       the control API port (default: a free one)
  --database-url URL     payment-service: use this PostgreSQL (it must be a throwaway database)
  --plain                kaspi: no TLS listeners
  --allow-dir DIR        payment-service: a directory besides the working one that an OpenAPI profile
                         file named over the control API may be read from (repeatable)
  --json                 one JSON ready line instead of the table`,
  async run(argv) {
    const { values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
    switch (positionals[0]) {
      case 'kaspi':
        if (values['allow-dir'])
          throw new UsageError('--allow-dir is for sim payment-service: the Kaspi simulator reads no files');
        return kaspi(values);
      case 'payment-service':
        return paymentService(values);
      default:
        throw new UsageError(`sim needs a target: kaspi or payment-service (got "${positionals[0] ?? ''}")`);
    }
  },
};
