import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sellers } from '../../fixtures/organizations.ts';
import { startKaspiSimulator } from '../../simulator/kaspi/index.ts';
import { profileOf } from '../../simulator/payment-service/contracts/declared.ts';
import { startPaymentServiceSimulator } from '../../simulator/payment-service/index.ts';
import { recordedRun } from '../../platform/leftovers.ts';
import { startPostgres } from '../../platform/postgres.ts';
import { newRunId } from '../../platform/run-dir.ts';
import { writePemFiles } from '../../platform/tls/ca.ts';
import { integerFlag, UsageError, type Command } from '../command.ts';
import { allowDirFlags, declaredContract } from '../run-options.ts';
import { interruptOnSignal } from '../interrupt.ts';
import { didYouMean } from '../suggest.ts';
import { ensureReachable, reaching } from '../unreachable.ts';
import { untilSignal } from '../wait-for-signal.ts';

const options = {
  port: { type: 'string' },
  'control-port': { type: 'string' },
  'database-url': { type: 'string' },
  plain: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  'allow-dir': { type: 'string', multiple: true },
  'payment-service-contract': { type: 'string' },
  'kaspi-url': { type: 'string' },
  'client-cert-out': { type: 'string' },
} as const;

/** What the flags of one target are checked against: a flag of the other target is a usage error. */
const onlyFor: Record<string, 'kaspi' | 'payment-service'> = {
  plain: 'kaspi',
  'client-cert-out': 'kaspi',
  'database-url': 'payment-service',
  'allow-dir': 'payment-service',
  'payment-service-contract': 'payment-service',
  'kaspi-url': 'payment-service',
};

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

/** The client certificate files of `--client-cert-out DIR`, made for this start only. */
const clientCertFiles = { cert: 'client-cert.pem', key: 'client-key.pem', ca: 'ca.pem' } as const;

async function kaspi(values: {
  port?: string;
  'control-port'?: string;
  plain: boolean;
  json: boolean;
  'client-cert-out'?: string;
}) {
  const certDir = values['client-cert-out'] && resolve(values['client-cert-out']);
  if (certDir && values.plain)
    throw new UsageError('--client-cert-out is for the TLS listeners, which --plain leaves out');
  const simulator = await startKaspiSimulator({
    port: integerFlag('port', values.port) ?? 0,
    controlPort: integerFlag('control-port', values['control-port']) ?? 0,
    tls: !values.plain,
  });
  let certificate: Record<string, string> | undefined;
  try {
    if (certDir) {
      const issued = await simulator.issueClientCertificate('kaspi-harness tester');
      certificate = await writePemFiles(certDir, {
        [clientCertFiles.cert]: issued.certPem,
        [clientCertFiles.key]: issued.keyPem,
        [clientCertFiles.ca]: simulator.ca.certPem,
      });
    }
  } catch (error) {
    await simulator.stop();
    throw error;
  }
  // Handlers before the URLs: whoever reads them may signal at once (see up.ts). The certificate
  // files go with the simulator: its CAs die with it, and a key left in a work tree may be committed.
  const stopped = untilSignal(async () => {
    await simulator.stop();
    for (const file of Object.values(certificate ?? {})) rmSync(file, { force: true });
  });
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
    ...(certificate
      ? ([
          ['clientCert', 'Client certificate (r2/r3 mTLS)', certificate[clientCertFiles.cert]!],
          ['clientKey', 'its key', certificate[clientCertFiles.key]!],
          ['ca', "CA of the simulator's certificates", certificate[clientCertFiles.ca]!],
        ] satisfies Endpoint[])
      : []),
  ]);
  if (certificate && !values.json)
    console.log(
      `  e.g. curl --cacert ${certificate[clientCertFiles.ca]} --cert ${certificate[clientCertFiles.cert]} --key ${certificate[clientCertFiles.key]} ${simulator.listeners.r3}/r3/v01/health/ping\n` +
        '  (the files are made for this start and removed when the simulator stops)',
    );
  return stopped;
}

async function paymentService(values: {
  port?: string;
  'control-port'?: string;
  'database-url'?: string;
  'allow-dir'?: string[];
  'payment-service-contract'?: string;
  'kaspi-url'?: string;
  json: boolean;
}) {
  const allowDirs = allowDirFlags(values['allow-dir']);
  const declared = declaredContract(values['payment-service-contract']);
  const contract = declared === undefined ? 'guide' : profileOf(declared);
  const contractName = typeof contract === 'string' ? contract : `OpenAPI ${declared}`;
  let kaspiUrl = values['kaspi-url'];
  if (kaspiUrl !== undefined)
    await ensureReachable({
      what: 'the Kaspi of --kaspi-url',
      url: kaspiUrl,
      hint: 'give the plain-HTTP "Kaspi API" URL `kaspi-harness sim kaspi` prints, or leave --kaspi-url out to start a Kaspi simulator in this process',
    });
  let databaseUrl = values['database-url'];
  let ownKaspi: { url: string; controlUrl: string } | undefined;
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
    if (kaspiUrl === undefined) {
      // The deployed contract's payment routes call Kaspi: without one given, its own, on plain HTTP.
      const kaspiSimulator = await startKaspiSimulator({ tls: false });
      stoppers.push(kaspiSimulator.stop);
      ownKaspi = { url: kaspiSimulator.url, controlUrl: kaspiSimulator.controlUrl };
      kaspiUrl = kaspiSimulator.url;
    }
    interrupt.signal.throwIfAborted();
    const options = {
      databaseUrl,
      sellers,
      port: integerFlag('port', values.port),
      controlPort: integerFlag('control-port', values['control-port']),
      profile: contract,
      kaspi: { url: kaspiUrl },
      allowDirs,
    };
    simulator = await (values['database-url'] === undefined
      ? startPaymentServiceSimulator(options)
      : reaching(
          {
            what: 'the PostgreSQL of --database-url',
            url: databaseUrl,
            hint: 'is it running, and is the URL right? (without --database-url a private one is started)',
          },
          () => startPaymentServiceSimulator(options),
        ));
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
    // The guide's routes live under /api, the deployed service's at the root.
    [
      'url',
      `payment-service (${contractName} contract)`,
      contract === 'guide' ? `${simulator.url}/api` : simulator.url,
    ],
    ['controlUrl', 'Control API', simulator.controlUrl],
    ['databaseUrl', 'PostgreSQL', databaseUrl],
    ...(ownKaspi
      ? ([
          ['kaspiUrl', 'Kaspi API (its payment routes call it)', ownKaspi.url],
          ['kaspiControlUrl', 'Kaspi dashboard + control API', ownKaspi.controlUrl],
        ] satisfies Endpoint[])
      : ([['kaspiUrl', 'Kaspi (--kaspi-url)', kaspiUrl]] satisfies Endpoint[])),
  ]);
  return stopped;
}

export const simCommand: Command = {
  name: 'sim',
  help: `Usage: kaspi-harness sim kaspi|payment-service [options]

Starts one simulator on 127.0.0.1 and keeps it up until Ctrl-C, printing its URLs.

  sim kaspi              the Kaspi QR API (plain HTTP for every scheme, plus r1/r2/r3 TLS listeners),
                         its dashboard, control API and OpenAPI document
  sim payment-service    the payment-service on PostgreSQL (a private one unless --database-url),
                         and the Kaspi its payment routes call (its own unless --kaspi-url)

Options:
  --port N               the API port (default: a free one)
  --control-port N       the control API port (default: a free one)
  --json                 one JSON ready line instead of the table

  kaspi:
  --plain                no TLS listeners
  --client-cert-out DIR  write a client certificate (client-cert.pem), its key (client-key.pem) and the
                         CA of the simulator's certificates (ca.pem) into DIR, to call the mutual-TLS
                         schemes r2 and r3 with curl --cert/--key/--cacert; made for this start and
                         removed when the simulator stops

  payment-service:
  --payment-service-contract guide|deployed|FILE
                         the contract served: the guide's (default; routes under /api), the deployed
                         service's (/payments/kaspi/*, /admin/configs, at the root) or an OpenAPI
                         document's routes
  --kaspi-url URL        the Kaspi the deployed contract's payment routes (and the status poller) call:
                         the plain-HTTP "Kaspi API" URL \`sim kaspi\` prints. Default: a Kaspi simulator
                         started in this process, whose URLs are printed too
  --database-url URL     use this PostgreSQL (it must be a throwaway database)
  --allow-dir DIR        a directory besides the working one that an OpenAPI profile file named over
                         the control API may be read from (repeatable)`,
  async run(argv) {
    const { values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
    const target = positionals[0];
    if (target !== 'kaspi' && target !== 'payment-service')
      throw new UsageError(
        `sim needs a target: kaspi or payment-service (got "${target ?? ''}")${target ? didYouMean(target, ['kaspi', 'payment-service']) : ''}`,
      );
    for (const [flag, owner] of Object.entries(onlyFor)) {
      const value = values[flag as keyof typeof values];
      if (owner !== target && value !== undefined && value !== false)
        throw new UsageError(
          `--${flag} is for sim ${owner}${flag === 'allow-dir' ? ': the Kaspi simulator reads no files' : ''}`,
        );
    }
    return target === 'kaspi' ? kaspi(values) : paymentService(values);
  },
};
