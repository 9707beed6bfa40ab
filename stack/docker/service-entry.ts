/**
 * Entry of the simulators image: `service-entry.ts sandbox|kaspi|payment-service|bitrix-init`. Starts
 * the same part the native stack starts, with the run's settings file (settings.ts), writes what its
 * compose health check probes, prints one `kaspi-harness: <service> ready` line (the harness's
 * log-message wait strategy), and closes cleanly on SIGTERM (docker stop).
 */
import { rm, writeFile } from 'node:fs/promises';
import { allOrganizations, useSellersFile } from '../../fixtures/organizations.ts';
import { startKaspiSimulator } from '../../simulator/kaspi/server.ts';
import { startPaymentServiceSimulator } from '../../simulator/payment-service/server.ts';
import { Teardown, type Running } from '../../platform/lifecycle.ts';
import { initBitrix } from './bitrix-init.ts';
import { forwardToLoopback, type Forwarder } from './forward.ts';
import { loadRunAuthorities, startSandboxService } from './sandbox-service.ts';
import { peerHost, probeFile, readContainerSettings, readyLine, type ContainerSettings } from './settings.ts';

/** The parts a container started, in that order: stopped newest first. */
function parts(...started: [string, Running | undefined][]): Teardown {
  const teardown = new Teardown();
  for (const [name, part] of started) if (part) teardown.add(name, part);
  return teardown;
}

interface Started {
  running?: Running;
  /** What the health check probes (probeFile): `<port>` or `<port> <path>`. */
  probe?: string;
}

async function start(service: string, settings: ContainerSettings): Promise<Started> {
  const { networkMode: mode, ports } = settings;
  const forward = async (listening: number[]): Promise<Forwarder | undefined> =>
    mode === 'bridge' ? forwardToLoopback(listening) : undefined;

  switch (service) {
    case 'sandbox': {
      const sandbox = await startSandboxService(settings);
      // The bitrix port too: the bitrix container has no network, this container relays to it.
      const forwarder = await forward([ports.egress, ports.webhookSink, ports.bitrix]);
      console.log(
        `egress proxy ${sandbox.egress.url}, webhook sink ${sandbox.sink.url}, bitrix relay 127.0.0.1:${ports.bitrix}`,
      );
      return {
        running: parts(['sandbox', sandbox], ['socket relays', sandbox.relays], ['forwarder', forwarder]),
        // The proxy listens only once the CA and PHP's files are written, and the relays once it
        // does, so the last relay's port is enough (a TCP connect: bash, no node every second).
        probe: String(ports.bitrix),
      };
    }
    case 'kaspi': {
      // The run's authorities from the sandbox container: PHP trusts the server CA; the partner CA
      // signed the client certificates.
      const kaspi = await startKaspiSimulator({
        organizations: allOrganizations,
        port: ports.kaspi,
        controlPort: ports.kaspiControl,
        schemePorts: { r1: ports.kaspiR1, r2: ports.kaspiR2, r3: ports.kaspiR3 },
        authorities: await loadRunAuthorities(),
      });
      const forwarder = await forward([
        ports.kaspi,
        ports.kaspiControl,
        ports.kaspiR1,
        ports.kaspiR2,
        ports.kaspiR3,
      ]);
      console.log(
        `Kaspi simulator ${kaspi.url}, control API ${kaspi.controlUrl}, TLS r1 ${kaspi.listeners.r1} r2 ${kaspi.listeners.r2} r3 ${kaspi.listeners.r3}`,
      );
      return {
        running: parts(['Kaspi simulator', kaspi], ['forwarder', forwarder]),
        probe: `${ports.kaspiControl} /control/purchases`,
      };
    }
    case 'payment-service': {
      const paymentService = await startPaymentServiceSimulator({
        databaseUrl: `postgres://postgres@${peerHost('postgres', mode)}:${ports.postgres}/postgres`,
        port: ports.paymentService,
        controlPort: ports.paymentServiceControl,
        tls: { ca: (await loadRunAuthorities()).server, port: ports.paymentServiceTls },
        // As natively: the deployed routes and the poller call the Kaspi simulator (plain listener).
        kaspi: { url: `http://${peerHost('kaspi', mode)}:${ports.kaspi}` },
      });
      const forwarder = await forward([
        ports.paymentService,
        ports.paymentServiceControl,
        ports.paymentServiceTls,
      ]);
      console.log(
        `payment-service simulator ${paymentService.url}/api (TLS ${paymentService.tlsUrl}), control API ${paymentService.controlUrl}`,
      );
      return {
        running: parts(['payment-service simulator', paymentService], ['forwarder', forwarder]),
        probe: `${ports.paymentService} /api/health`,
      };
    }
    case 'bitrix-init':
      await initBitrix(settings);
      return {};
    default:
      throw new Error(
        `unknown service "${service}": expected sandbox, kaspi, payment-service or bitrix-init`,
      );
  }
}

const service = process.argv[2] ?? '';
try {
  // A restarted container's probe is stale until this start serves.
  await rm(probeFile, { force: true });
  const settings = readContainerSettings();
  // The site's sellers, when the run has its own: before any part reads the fixtures.
  useSellersFile(settings.sellersFile);
  const { running, probe } = await start(service, settings);
  if (probe !== undefined) await writeFile(probeFile, `${probe}\n`);
  console.log(readyLine(service));
  if (running) {
    const stop = (signal: NodeJS.Signals): void => {
      console.log(`${signal}: stopping ${service}`);
      running.stop().then(
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
