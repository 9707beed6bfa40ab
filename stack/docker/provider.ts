/**
 * The docker stack provider: the same stack as stack/stack.ts boots natively, from
 * docker-compose.yml, driven by testcontainers (compose support, explicit wait strategies). It
 * returns the same `Stack` (`StackInfo` shape), so the scenarios run unchanged.
 *
 * Every published port is a free loopback port picked here, so parallel runs do not collide. On an
 * engine without a bridge network the containers share the host's network and bind 127.0.0.1
 * themselves; otherwise compose's bridge with ports published on 127.0.0.1. The run's settings
 * reach the containers as one file in the run directory, mounted by a compose file beside it that
 * compose reads after the repository's (run-files.ts).
 *
 * PHP is sandboxed as natively: the `sandbox` container's egress proxy is its only way out (see
 * docker/README.md), and `StackInfo.egress` / `webhookSink` point at that proxy's record and the sink.
 */
import { adoptedSellersFile } from '../../fixtures/organizations.ts';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DockerComposeEnvironment, Wait, type StartedDockerComposeEnvironment } from 'testcontainers';
import { fallbackOrganization } from '../../fixtures/organizations.ts';
import { runRunbookChecks } from '../../simulator/bitrix/runbook.ts';
import { PaymentServiceControlClient } from '../../simulator/payment-service/control-client.ts';
import { startHarnessControl, type HarnessControl } from '../harness-control.ts';
import { watchPaymentServiceDatabase, type DatabaseWatchHandle } from '../../platform/health.ts';
import { freePort } from '../../platform/ports.ts';
import { createRunDir, newRunId } from '../../platform/run-dir.ts';
import type { StackInfo, StackOptions } from '../stack.ts';
import { stackOf, type Stack, type StackStopOptions } from '../running-stack.ts';
import { waitForHttp } from '../../platform/wait.ts';
import { bitrixExec } from './bitrix-exec.ts';
import { buildImages, imageSettings } from './images.ts';
import { watchContainers, type HealthWatch } from './health.ts';
import { cleanDockerLeftovers, composeDown, recordProject } from './leftovers.ts';
import {
  composeCommand,
  containerLogs,
  dockerAvailable,
  hasBridgeNetwork,
  noRuntimeMessage,
  type ComposeCommand,
} from './runtime.ts';
import { services, writeRunFiles } from './run-files.ts';
import { mariadbDatabase, portNames, readyLine, type DockerPorts, type NetworkMode } from './settings.ts';

export { dockerAvailable, noRuntimeMessage } from './runtime.ts';

export const composeDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

async function pickPorts(): Promise<DockerPorts> {
  const ports = {} as DockerPorts;
  const taken = new Set<number>();
  for (const key of Object.keys(portNames) as (keyof DockerPorts)[]) {
    let port = await freePort();
    // The kernel may hand the same released port out twice in a row.
    while (taken.has(port)) port = await freePort();
    taken.add(port);
    ports[key] = port;
  }
  return ports;
}

/** compose v1 keeps only [a-z0-9] of a project name; this keeps the name the same in both versions. */
export function projectNameFor(runId: string): string {
  return `kh${runId.toLowerCase().replace(/[^a-z0-9]/g, '')}`.slice(0, 48);
}

export interface DockerStackOptions extends StackOptions {
  /**
   * The project network (`bridge`) or the host's (`host`); default KASPI_HARNESS_NETWORK_MODE, else
   * bridge when the engine has a bridge network.
   */
  networkMode?: NetworkMode;
}

async function networkMode(options: DockerStackOptions, env: NodeJS.ProcessEnv): Promise<NetworkMode> {
  if (options.networkMode) return options.networkMode;
  if (env.KASPI_HARNESS_NETWORK_MODE === 'host' || env.KASPI_HARNESS_NETWORK_MODE === 'bridge')
    return env.KASPI_HARNESS_NETWORK_MODE;
  return (await hasBridgeNetwork()) ? 'bridge' : 'host';
}

/**
 * The repository's compose files a run of a mode reads, before its own (run-files.ts): never
 * docker-compose.override.yml, whose default ports compose would publish beside the run's.
 */
export function composeFiles(mode: NetworkMode): string[] {
  return mode === 'host' ? ['docker-compose.yml', 'docker-compose.host.yml'] : ['docker-compose.yml'];
}

/** testcontainers settings for engines like these CI machines': no Ryuk image, no bridge. */
function configureTestcontainers(mode: NetworkMode): void {
  // Ryuk's image cannot be pulled everywhere; containers are stopped explicitly, and a crashed
  // harness's projects are downed by the next boot (leftovers.ts).
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  if (mode === 'host') process.env.TESTCONTAINERS_HOST_OVERRIDE ??= 'localhost';
}

/** Each container's output, for the run's logs (bitrix-init's too, although it has exited). */
async function collectLogs(compose: ComposeCommand, project: string, logsDir: string): Promise<void> {
  mkdirSync(logsDir, { recursive: true });
  await Promise.all(
    services.map(async (service) => {
      const name = compose.containerName(project, service);
      const output = await containerLogs(name, ['--timestamps']);
      if (output !== undefined) writeFileSync(join(logsDir, `docker-${service}.log`), output);
    }),
  );
}

export async function bootDockerStack(options: DockerStackOptions): Promise<Stack> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  if (!(await dockerAvailable())) throw new Error(noRuntimeMessage);
  const compose = await composeCommand();
  await cleanDockerLeftovers(compose, log);

  const mode = await networkMode(options, process.env);
  configureTestcontainers(mode);
  const runDir = createRunDir(options.runId ?? newRunId());
  const project = projectNameFor(runDir.runId);
  const ports = await pickPorts();
  const password = randomBytes(18).toString('base64url');
  const home = join(runDir.path, 'home');
  mkdirSync(home, { recursive: true });
  const images = await imageSettings(process.env);
  const absolute = (path: string | undefined) => path && resolve(path);
  const runCompose = writeRunFiles(runDir.path, {
    networkMode: mode,
    ports,
    // The stub's files are this user's, so the run directory can be removed without root.
    user: { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 },
    mariadbPassword: password,
    seed: options.seed,
    webhookUrl: options.webhookUrl,
    paymentServiceHosts: options.paymentServiceHosts,
    home,
    php: {
      classesDir: absolute(options.phpClassesDir),
      initFile: absolute(options.phpInitFile),
      filesConfig: absolute(options.phpFilesConfig),
    },
    sellersFile: adoptedSellersFile(),
    images,
  });
  // `down` needs only the project's name and volumes: the repository's files, which outlive the run's.
  const baseFiles = composeFiles(mode);
  const files = [...baseFiles, runCompose];

  const healthFile = join(runDir.path, 'health.jsonl');
  let health: HealthWatch | undefined;
  let databaseWatch: DatabaseWatchHandle | undefined;
  let harness: HarnessControl | undefined;
  let environmentUp: StartedDockerComposeEnvironment | undefined;
  let forgetProject: (() => void) | undefined;
  const stop = async (stopOptions: StackStopOptions): Promise<void> => {
    const begun = Date.now();
    health?.stop();
    databaseWatch?.stop();
    await harness?.stop();
    if (forgetProject) {
      await collectLogs(compose, project, runDir.logs);
      // Explicitly: no reaper stops them otherwise. `down` also removes the project's volumes.
      if (environmentUp) await environmentUp.down({ removeVolumes: true, timeout: 5_000 });
      else await composeDown(compose, { project, composeDir, files: baseFiles });
      forgetProject();
    }
    log(`stopped the docker stack (project ${project}) in ${Date.now() - begun} ms`);
    if (stopOptions.keepLogsIn && existsSync(runDir.logs)) {
      mkdirSync(stopOptions.keepLogsIn, { recursive: true });
      cpSync(runDir.logs, stopOptions.keepLogsIn, { recursive: true });
    }
    runDir.remove();
  };

  try {
    log(`building the stack's images (FROM ${images.baseImage}, Node from ${images.nodeImage})…`);
    const buildMs = await buildImages(
      compose,
      composeDir,
      { files, images, networkMode: mode },
      join(runDir.logs, 'docker-build.log'),
    );
    log(`images ready in ${buildMs} ms; starting project ${project} (${mode} network)…`);

    forgetProject = recordProject({ project, composeDir, files: baseFiles });
    health = watchContainers(project, healthFile, runDir.logs, ['bitrix-init']);
    const key = (service: string) => compose.waitKey(project, service);
    environmentUp = await new DockerComposeEnvironment(composeDir, files)
      .withProjectName(project)
      .withClientOptions(compose.standalone ? { executable: { standalone: true } } : {})
      .withWaitStrategy(key('mariadb'), Wait.forHealthCheck())
      .withWaitStrategy(key('postgres'), Wait.forHealthCheck())
      .withWaitStrategy(
        key('sandbox'),
        Wait.forAll([Wait.forLogMessage(readyLine('sandbox')), Wait.forHealthCheck()]),
      )
      .withWaitStrategy(
        key('kaspi'),
        Wait.forAll([Wait.forLogMessage(readyLine('kaspi')), Wait.forHealthCheck()]),
      )
      .withWaitStrategy(
        key('payment-service'),
        Wait.forAll([Wait.forLogMessage(readyLine('payment-service')), Wait.forHealthCheck()]),
      )
      .withWaitStrategy(key('bitrix'), Wait.forHealthCheck())
      .withStartupTimeout(300_000)
      .up();

    const loopback = (port: number) => `http://127.0.0.1:${port}`;
    const bitrixUrl = loopback(ports.bitrix);
    // From this side of the network too: the harness reaches the storefront over loopback.
    await waitForHttp(
      `${bitrixUrl}/local/api/catalogue.php`,
      { service: 'bitrix', timeoutMs: 30_000 },
      (s) => s === 200,
    );

    const documentRoot = join(home, 'bitrix', 'www');
    const database = {
      host: '127.0.0.1',
      port: ports.mariadb,
      name: mariadbDatabase.name,
      user: mariadbDatabase.user,
      password,
    };
    // The runbook checks run in the bitrix container: MariaDB is at the same port there (a relay).
    const bitrix = bitrixExec({
      container: compose.containerName(project, 'bitrix'),
      documentRoot,
      database,
    });
    harness = await startHarnessControl({ 'POST /runbook': () => runRunbookChecks(bitrix) });
    databaseWatch = watchPaymentServiceDatabase(healthFile, loopback(ports.paymentServiceControl));
    const paymentServiceUrl = loopback(ports.paymentService);
    const info: StackInfo = {
      runId: runDir.runId,
      runDir: runDir.path,
      logsDir: runDir.logs,
      seed: options.seed,
      bitrix: {
        url: bitrixUrl,
        documentRoot,
        visibleDocumentRoot: '/home/bitrix/www',
        layout: 'namespace',
        // docker-compose.yml gives the bitrix container no network; its only ways out are relays.
        network: 'namespace',
        logFiles: {
          php: join(home, 'bitrix', 'logs', 'php.log'),
          bxLog: join(documentRoot, '__bx_log.log'),
          kaspiPaymentServiceLog: join(documentRoot, 'bitrix', 'log', 'kaspi_payment_service.log'),
        },
      },
      // PHP's only way out and the team's hosts, as natively: the scenarios read the refused egress
      // and the webhooks from these (published on, or in host mode bound to, loopback).
      egress: { url: loopback(ports.egress) },
      webhookSink: { url: loopback(ports.webhookSink) },
      kaspi: { url: loopback(ports.kaspi), controlUrl: loopback(ports.kaspiControl) },
      paymentService: {
        url: paymentServiceUrl,
        apiBaseUrl: `${paymentServiceUrl}/api`,
        controlUrl: loopback(ports.paymentServiceControl),
      },
      postgres: { url: `postgres://postgres@127.0.0.1:${ports.postgres}/postgres` },
      mariadb: {
        host: database.host,
        port: database.port,
        database: database.name,
        user: database.user,
        password,
      },
      fallback: { bin: fallbackOrganization.bin, deviceToken: fallbackOrganization.deviceToken },
      harness: { controlUrl: harness.url },
      docker: { project, networkMode: mode },
      healthFile,
      bootMs: Date.now() - started,
    };
    if (options.paymentServiceContract) {
      // The container starts on the guide's contract; the declared one is set as its start profile.
      await new PaymentServiceControlClient(info.paymentService.controlUrl).setProfile(
        options.paymentServiceContract,
        { start: true },
      );
    }
    log(`docker stack ready in ${info.bootMs} ms (images ${buildMs} ms)`);
    return stackOf(info, stop);
  } catch (error) {
    await stop({ keepLogsIn: join(process.cwd(), 'reports', 'failed-boot', runDir.runId) });
    throw error;
  }
}
