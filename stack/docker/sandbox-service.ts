/**
 * The docker stack's network sandbox, as platform/sandbox.ts gives the native stack: the `sandbox`
 * container makes the run's authorities at start (in the shared state volume, never in an image),
 * writes the PHP settings that make the bitrix container trust the server CA and send every outbound
 * call through the egress proxy, and then runs that proxy and the webhook sink. The other containers
 * load the authorities from the volume (`loadRunAuthorities`) for their TLS listeners and client
 * certificates.
 */
import { chmod, chown, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { bitrixPhpIni, writeEgressPrepend, writeHarnessIni } from '../../simulator/bitrix/php-runtime.ts';
import type { EgressProxy } from '../../platform/egress/proxy.ts';
import { startSandbox, type Sandbox } from '../../platform/sandbox.ts';
import {
  createRunAuthorities,
  loadCertificateAuthority,
  type CertificateAuthority,
  type RunAuthorities,
} from '../../platform/tls/ca.ts';
import { waitUntil } from '../../platform/wait.ts';
import { startRelays, type Relay, type RelaySpec } from './relay.ts';
import {
  peerHost,
  sandboxFiles,
  type ContainerSettings,
  type DockerPorts,
  type NetworkMode,
} from './settings.ts';

/** The Bitrix user (BITRIX_USER; root when absent), who owns the CA keys and the socket directory. */
type Owner = ContainerSettings['bitrixUser'];

/** Written whole, then renamed: a container waiting for the file never reads half of it. */
async function writeAtomically(path: string, content: string, mode: number): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, content, { mode });
  await chmod(temporary, mode);
  await rename(temporary, path);
}

/** The run's authorities from the state volume; ENOENT until the sandbox container has written them. */
async function readRunAuthorities(): Promise<RunAuthorities> {
  const load = async (certFile: string, keyFile: string): Promise<CertificateAuthority> => {
    const [certPem, keyPem] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
    return loadCertificateAuthority(certPem, keyPem);
  };
  const [server, partner] = await Promise.all([
    load(sandboxFiles.caCert, sandboxFiles.caKey),
    load(sandboxFiles.partnerCaCert, sandboxFiles.partnerCaKey),
  ]);
  return { server, partner };
}

/** The authorities an earlier start of the sandbox container left in the state volume, if any. */
async function existingRunAuthorities(): Promise<RunAuthorities | undefined> {
  try {
    return await readRunAuthorities();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The run's authorities in the state volume, made by the sandbox container's first start. A restart
 * of that container alone (`docker compose restart sandbox`) keeps them: the other containers loaded
 * them at their own start and would not trust new ones. The keys are the harness user's (bitrix-init,
 * which runs as that user, issues the client certificates; the root simulator containers read them
 * anyway) and nobody else's; the certificates are world-readable, for PHP in the bitrix container.
 */
export async function runAuthorityFiles(owner: Owner): Promise<RunAuthorities> {
  const existing = await existingRunAuthorities();
  if (existing) return existing;
  const authorities = await createRunAuthorities();
  const dir = dirname(sandboxFiles.caCert);
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o755);
  // The server CA's certificate last: a reader waits for it, so everything is there once it exists.
  for (const [keyFile, keyPem] of [
    [sandboxFiles.partnerCaKey, authorities.partner.keyPem],
    [sandboxFiles.caKey, authorities.server.keyPem],
  ] as const) {
    await writeAtomically(keyFile, keyPem, 0o600);
    if (owner) await chown(keyFile, owner.uid, owner.gid);
  }
  await writeAtomically(sandboxFiles.partnerCaCert, authorities.partner.certPem, 0o644);
  await writeAtomically(sandboxFiles.caCert, authorities.server.certPem, 0o644);
  return authorities;
}

/** The run's authorities as the sandbox container wrote them; waits for them on engines that start dependents early. */
export async function loadRunAuthorities(timeoutMs = 60_000): Promise<RunAuthorities> {
  let authorities: RunAuthorities | undefined;
  await waitUntil(
    async () => {
      authorities = await readRunAuthorities();
      return true;
    },
    `the run's CAs in ${dirname(sandboxFiles.caCert)}`,
    { service: 'sandbox', timeoutMs, intervalMs: 250 },
  );
  return authorities!;
}

/**
 * The egress proxy as PHP in the bitrix container reaches it: that container has no network, so on
 * its own loopback, where socat relays to the sandbox's egress.sock (in every network mode).
 */
export function egressUrlFor(ports: Pick<DockerPorts, 'egress'>): string {
  return `http://127.0.0.1:${ports.egress}`;
}

/**
 * The unix-socket relays between the network-less bitrix container and everything it may reach.
 * egress.sock is served by the proxy itself, as natively the namespace's connections are: it then
 * knows them for PHP's and keeps its control paths from them.
 */
export function bitrixRelays(
  mode: NetworkMode,
  ports: DockerPorts,
  egress: Pick<EgressProxy, 'acceptConnection'>,
): RelaySpec[] {
  const socket = (name: string) => join(sandboxFiles.socketDir, name);
  return [
    { kind: 'unix-served', socketPath: socket('egress.sock'), accept: (s) => egress.acceptConnection(s) },
    {
      kind: 'unix-to-tcp',
      socketPath: socket('mariadb.sock'),
      host: peerHost('mariadb', mode),
      port: ports.mariadb,
    },
    // The harness's (and a browser's) way in: this container's loopback port, published in bridge mode.
    { kind: 'tcp-to-unix', socketPath: socket('bitrix-http.sock'), host: '127.0.0.1', port: ports.bitrix },
  ];
}

async function prepareSocketDir(owner: Owner): Promise<void> {
  await mkdir(sandboxFiles.socketDir, { recursive: true });
  // The bitrix container's user creates bitrix-http.sock there; nobody else needs in.
  if (owner) await chown(sandboxFiles.socketDir, owner.uid, owner.gid);
  await chmod(sandboxFiles.socketDir, 0o700);
}

/**
 * PHP's side of the sandbox, as the native stub gets it (simulator/bitrix/php-runtime.ts): the
 * prepend file for the stream wrappers and an ini for PHP_INI_SCAN_DIR with the CA and that file.
 */
export async function writePhpSandboxFiles(egressUrl: string): Promise<void> {
  await mkdir(sandboxFiles.phpDir, { recursive: true });
  await chmod(sandboxFiles.phpDir, 0o755);
  const prepend = await writeEgressPrepend(sandboxFiles.phpDir, egressUrl);
  await chmod(prepend, 0o644);
  await writeHarnessIni(sandboxFiles.phpIniDir, bitrixPhpIni(sandboxFiles.caCert, prepend));
  await chmod(sandboxFiles.phpIniDir, 0o755);
}

/**
 * The sandbox container's job: the authorities, PHP's settings, then the proxy (Kaspi's and Railway's hosts
 * to the simulators' TLS listeners, whose ports compose fixes, so nothing has to be up yet) and the
 * sink, on the ports the harness publishes.
 */
export async function startSandboxService(settings: ContainerSettings): Promise<Sandbox & { relays: Relay }> {
  const { networkMode: mode, ports } = settings;
  // PHP's files first: the others wait for the CA certificate, so once it exists, everything does.
  await writePhpSandboxFiles(egressUrlFor(ports));
  const { server: ca } = await runAuthorityFiles(settings.bitrixUser);
  const kaspi = peerHost('kaspi', mode);
  const sandbox = await startSandbox({
    ca,
    caCertFile: sandboxFiles.caCert,
    kaspiListeners: {
      r1: `https://${kaspi}:${ports.kaspiR1}`,
      r2: `https://${kaspi}:${ports.kaspiR2}`,
      r3: `https://${kaspi}:${ports.kaspiR3}`,
    },
    paymentServiceTlsUrl: `https://${peerHost('payment-service', mode)}:${ports.paymentServiceTls}`,
    paymentServiceHosts: settings.paymentServiceHosts,
    egressPort: ports.egress,
    webhookSinkPort: ports.webhookSink,
    log: (line) => console.log(line),
  });
  try {
    await prepareSocketDir(settings.bitrixUser);
    const relays = await startRelays(bitrixRelays(mode, ports, sandbox.egress));
    return { ...sandbox, relays };
  } catch (error) {
    await sandbox.stop();
    throw error;
  }
}
