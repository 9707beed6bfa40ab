/**
 * The docker provider, for real: the compose file validates; without a runtime the provider says so
 * in one line; and (KASPI_HARNESS_DOCKER_TESTS=1, set by CI after .ci/docker-engine.sh) a docker
 * stack boots with PHP sandboxed as natively: every seller's checkout through the Bitrix container
 * reaches the simulators on the production hostnames through the egress proxy (no simulator URL in
 * b_option) and lands on that seller's BIN, with the client certificate a team's harness-files config
 * asked for; a host nobody routed is refused and recorded; the team's own host reaches the webhook
 * sink; and every container is gone after stop(). The stack runs on the project's bridge network
 * (what users get) and on the host's (engines without a bridge), and shows it is on the one it says.
 */
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededFaker } from '../../fixtures/customers.ts';
import { sellers } from '../../fixtures/organizations.ts';
import { KaspiControlClient } from '../../simulator/kaspi/control-client.ts';
import { PaymentServiceControlClient } from '../../simulator/payment-service/control-client.ts';
import { guideOutcomes, type RunbookCheck } from '../../simulator/bitrix/runbook.ts';
import { kaspiModuleId } from '../../simulator/bitrix/seed.ts';
import { checkoutOneProduct } from '../../simulator/bitrix/storefront-client.ts';
import { egressControl, webhookSinkControl } from '../../platform/egress/control-client.ts';
import type { Stack, StackInfo } from '../stack.ts';
import { partnerAuthorityName } from '../../platform/tls/ca.ts';
import { bootDockerStack, composeDir, composeFiles, projectNameFor } from './provider.ts';
import { services, writeRunFiles, type DockerRun } from './run-files.ts';
import { composeCommand, hasBridgeNetwork, noRuntimeMessage, tryRun } from './runtime.ts';
import { defaultPorts, settingsFile, type DockerPorts, type NetworkMode } from './settings.ts';

const run = promisify(execFile);
const dockerTestsRequired = process.env.KASPI_HARNESS_DOCKER_TESTS === '1';
const compose = await composeCommand().catch(() => undefined);

/** The published ports of a resolved config, in compose v1's short form or v2's long form. */
function publishedPorts(resolved: string): { hostIp: string; port: string }[] {
  const short = [...resolved.matchAll(/^\s+- (?:([\d.]+):)?(\d+):\d+(?:\/tcp)?$/gm)].map((m) => ({
    hostIp: m[1] ?? '0.0.0.0',
    port: m[2]!,
  }));
  const long = [
    ...resolved.matchAll(
      /- mode: ingress\n(?:\s+host_ip: ([\d.]+)\n)?\s+target: \d+\n\s+published: "?(\d+)"?/g,
    ),
  ].map((m) => ({ hostIp: m[1] ?? '0.0.0.0', port: m[2]! }));
  return [...short, ...long];
}

/** The mounts of a resolved config as `source:target[:ro]`, in compose v1's short form or v2's long form. */
function mounts(resolved: string): string[] {
  const short = [...resolved.matchAll(/^\s+- ([^\s:]+):(\/[^\s:]*)(?::(ro|rw))?$/gm)].map(
    (m) => `${m[1]}:${m[2]}${m[3] === 'ro' ? ':ro' : ''}`,
  );
  const long = [
    ...resolved.matchAll(
      /- type: (?:bind|volume)\n\s+source: (\S+)\n\s+target: (\S+)\n(\s+read_only: true\n)?/g,
    ),
  ].map((m) => `${m[1]}:${m[2]}${m[3] ? ':ro' : ''}`);
  return [...short, ...long];
}

/** Every value of `key` in a resolved config, unquoted. */
const values = (resolved: string, key: string) =>
  [...resolved.matchAll(new RegExp(`^\\s+${key}: ['"]?([^'"\\s]+)`, 'gm'))].map((m) => m[1]);

const count = (items: readonly string[], item: string) => items.filter((i) => i === item).length;

describe.skipIf(!compose && !dockerTestsRequired)(
  compose || dockerTestsRequired
    ? 'docker-compose.yml'
    : 'docker-compose.yml (skipped: no docker compose installed)',
  () => {
    const config = async (files: string[]) => {
      const { command, baseArgs } = compose!;
      const { stdout } = await run(command, [...baseArgs, ...files.flatMap((f) => ['-f', f]), 'config'], {
        cwd: composeDir,
      });
      return stdout;
    };
    const plainUp = ['docker-compose.yml', 'docker-compose.override.yml'];
    const plainUpHost = ['docker-compose.yml', 'docker-compose.host.yml'];
    const defaultPublished = ['3128', '8000', '8080', '8545', '9000', '9090', '9545', '33061', '54321'];

    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'kh-compose-config-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    /** A run's files, as the provider writes them, with ports none of the defaults use. */
    const runFiles = (mode: NetworkMode, php: DockerRun['php'] = {}) => {
      const runDir = join(dir, mode);
      mkdirSync(runDir, { recursive: true });
      const ports = Object.fromEntries(
        Object.keys(defaultPorts).map((key, index) => [key, 41_000 + index]),
      ) as unknown as DockerPorts;
      const run: DockerRun = {
        networkMode: mode,
        ports,
        user: { uid: 1234, gid: 5678 },
        mariadbPassword: 'test-only',
        seed: 1,
        home: join(runDir, 'home'),
        php,
        images: { baseImage: 'local/base:test', nodeImage: 'local/node:test' },
      };
      const file = writeRunFiles(runDir, run);
      return { run, file, settings: `${join(runDir, 'container-settings.env')}:${settingsFile}:ro` };
    };

    it('plain `up`: the project network, the default ports published on 127.0.0.1 only, no settings file', async () => {
      const resolved = await config(plainUp);
      // Only bitrix has a network_mode (none): any other, even an empty one, keeps a service off the
      // project network, where service names (the peers' hosts) resolve.
      expect(resolved.match(/network_mode:.*/g)).toEqual(['network_mode: none']);
      const published = publishedPorts(resolved);
      expect(published.map((p) => p.port).sort()).toEqual([...defaultPublished].sort());
      for (const { hostIp } of published) expect(hostIp).toBe('127.0.0.1');
      // The containers run on settings.ts's defaults, the ones published.
      expect(mounts(resolved).filter((m) => m.includes(settingsFile))).toEqual([]);
      expect(Object.values(defaultPorts).map(String)).toEqual(expect.arrayContaining(defaultPublished));
    });

    it('plain `up` on the host network: every service but bitrix on it and told so, builds too, no ports', async () => {
      const resolved = await config(plainUpHost);
      expect(resolved.match(/network_mode:.*/g)?.sort()).toEqual([
        ...Array<string>(6).fill('network_mode: host'),
        'network_mode: none',
      ]);
      expect(resolved).not.toMatch(/ports:/);
      const hostSettings = `${join(composeDir, 'docker', 'host-network.env')}:${settingsFile}:ro`;
      expect(count(mounts(resolved), hostSettings)).toBe(6);
      // mariadb, postgres, sandbox (the simulators image) and bitrix build; apt and npm need the host's network.
      expect(resolved.match(/network: host/g)).toHaveLength(4);
    });

    it("a run's file: its ports instead of the defaults, its settings file everywhere, its home and classes, its user and images", async () => {
      const classes = join(dir, 'team-classes');
      const { run, file, settings } = runFiles('bridge', {
        classesDir: classes,
        initFile: join(dir, 'team', 'init.php'),
        filesConfig: join(dir, 'files', 'harness-files.json'),
      });
      const resolved = await config([...composeFiles('bridge'), file]);
      expect(resolved.match(/network_mode:.*/g)).toEqual(['network_mode: none']);
      const published = publishedPorts(resolved);
      const { ports } = run;
      expect(published.map((p) => p.port).sort()).toEqual(
        [
          ports.bitrix,
          ports.kaspi,
          ports.kaspiControl,
          ports.paymentService,
          ports.paymentServiceControl,
          ports.mariadb,
          ports.postgres,
          ports.egress,
          ports.webhookSink,
        ]
          .map(String)
          .sort(),
      );
      for (const { hostIp } of published) expect(hostIp).toBe('127.0.0.1');

      const mounted = mounts(resolved);
      expect(count(mounted, settings)).toBe(services.length);
      // Mounts override docker-compose.yml's by their target: no bitrix-home volume, no reference classes.
      expect(mounted.filter((m) => /:\/home$|:\/kh\/home$/.test(m)).sort()).toEqual([
        `${run.home}:/home`,
        `${run.home}:/kh/home`,
      ]);
      expect(mounted.filter((m) => m.includes(':/kh/php')).sort()).toEqual(
        [
          `${classes}:/kh/php-classes:ro`,
          `${join(dir, 'files')}:/kh/php-files:ro`,
          `${join(dir, 'team')}:/kh/php-init:ro`,
        ].sort(),
      );
      expect(values(resolved, 'user')).toEqual(['1234:5678', '1234:5678']);
      expect(values(resolved, 'BASE_IMAGE')).toEqual(Array<string>(4).fill('local/base:test'));
      expect(values(resolved, 'NODE_IMAGE')).toEqual(['local/node:test']);
      expect(resolved).not.toMatch(/network: host/);
    });

    it("a run's file on the host network: its settings file over the host one, no ports, host builds", async () => {
      const { file, settings } = runFiles('host');
      const resolved = await config([...composeFiles('host'), file]);
      expect(resolved.match(/network_mode: host/g)).toHaveLength(6);
      expect(resolved).not.toMatch(/ports:/);
      const mounted = mounts(resolved);
      expect(count(mounted, settings)).toBe(services.length);
      expect(mounted.filter((m) => m.includes('host-network.env'))).toEqual([]);
      expect(mounted).toContain('harness-state:/run/kaspi-harness:ro');
      expect(resolved.match(/network: host/g)).toHaveLength(4);
    });
  },
);

describe('without a container runtime', () => {
  it('says so in one line and suggests --stack native', async () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = 'unix:///nonexistent/kaspi-harness-docker.sock';
    try {
      await expect(bootDockerStack({ seed: 1 })).rejects.toThrow(noRuntimeMessage);
      expect(noRuntimeMessage).not.toContain('\n');
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });
});

interface ContainerNetwork {
  /** HostConfig.NetworkMode: `host`, `none`, or the network's name. */
  networkMode: string;
  /** The networks the container is attached to. */
  networks: string[];
  /** Its published ports, as `hostIp:hostPort`. */
  published: string[];
}

/** How each container of a compose project is networked, by service, from `docker inspect`. */
async function projectContainers(project: string): Promise<Map<string, ContainerNetwork>> {
  const ids = (
    await tryRun('docker', ['ps', '-a', '-q', '--filter', `label=com.docker.compose.project=${project}`])
  )
    ?.split(/\s+/)
    .filter((id) => id !== '');
  expect(ids?.length, `containers of ${project}`).toBeGreaterThan(0);
  const inspected = JSON.parse((await tryRun('docker', ['inspect', ...ids!]))!) as {
    Config: { Labels: Record<string, string> };
    HostConfig: {
      NetworkMode: string;
      PortBindings: Record<string, { HostIp: string; HostPort: string }[] | null> | null;
    };
    NetworkSettings: { Networks: Record<string, unknown> | null };
  }[];
  return new Map(
    inspected.map((c) => [
      c.Config.Labels['com.docker.compose.service'] ?? '?',
      {
        networkMode: c.HostConfig.NetworkMode,
        networks: Object.keys(c.NetworkSettings.Networks ?? {}).sort(),
        published: Object.values(c.HostConfig.PortBindings ?? {})
          .flatMap((bindings) => bindings ?? [])
          .map((b) => `${b.HostIp}:${b.HostPort}`)
          .sort(),
      },
    ]),
  );
}

/** Every port of a stack the harness reaches, as `127.0.0.1:port`, from its StackInfo. */
function stackPorts(info: StackInfo): string[] {
  const port = (url: string) => Number(new URL(url).port);
  return [
    port(info.bitrix.url),
    port(info.kaspi.url),
    port(info.kaspi.controlUrl),
    port(info.paymentService.url),
    port(info.paymentService.controlUrl),
    port(info.egress!.url),
    port(info.webhookSink!.url),
    port(info.postgres.url),
    info.mariadb.port,
  ]
    .map((p) => `127.0.0.1:${p}`)
    .sort();
}

// Both network modes where the engine has a bridge (.ci/docker-engine.sh starts it with one where the
// kernel allows), the host network alone where it has none. One stack at a time: each boots in its
// describe's beforeAll and is gone after its afterAll.
const engineHasBridge = dockerTestsRequired && (await hasBridgeNetwork());

function dockerStackTests(mode: NetworkMode): void {
  let stack: Stack | undefined;
  let filesDir: string | undefined;

  beforeAll(async () => {
    // A team's harness-files.json (not named so, not in its classes): the reference certificate
    // paths, the CA, and a file copied from next to the config.
    filesDir = await mkdtemp(join(tmpdir(), 'kh-docker-files-'));
    await writeFile(join(filesDir, 'kaspi.env'), 'KASPI_ENV=test\n');
    // The team's init.php (--php-init): the prolog includes it on every request.
    await writeFile(join(filesDir, 'init.php'), "<?php\nheader('X-Team-Init: docker-test');\n");
    await writeFile(
      join(filesDir, 'team-files.json'),
      JSON.stringify({
        files: [
          { path: '/home/bitrix/kaspi_certificates/client.crt', generate: 'client-cert' },
          { path: '/home/bitrix/kaspi_certificates/client.key', generate: 'client-key' },
          { path: '/home/bitrix/kaspi_certificates/ca.pem', generate: 'ca-cert' },
          { path: '/home/bitrix/.kaspi.env', source: 'kaspi.env' },
        ],
      }),
    );
    // A cold image build on a slow mirror takes minutes; a warm boot well under one.
    stack = await bootDockerStack({
      networkMode: mode,
      seed: 20251103,
      phpFilesConfig: join(filesDir, 'team-files.json'),
      phpInitFile: join(filesDir, 'init.php'),
      log: (line) => console.log(`[docker] ${line}`),
    });
  }, 1_500_000);

  afterAll(async () => {
    if (filesDir) await rm(filesDir, { recursive: true, force: true });
    if (!stack) return;
    const project = projectNameFor(stack.info.runId);
    await stack.stop();
    const left = await tryRun('docker', [
      'ps',
      '-a',
      '-q',
      '--filter',
      `label=com.docker.compose.project=${project}`,
    ]);
    expect(left?.trim()).toBe('');
  }, 120_000);

  it(`runs on the ${mode} network (bitrix on none)`, async () => {
    const info = stack!.info;
    const project = projectNameFor(info.runId);
    expect(info.docker).toEqual({ project, networkMode: mode });
    const containers = await projectContainers(project);
    expect([...containers.keys()].sort()).toEqual([...services].sort());
    expect(containers.get('bitrix')).toEqual({ networkMode: 'none', networks: ['none'], published: [] });
    // Bridge: compose's default network, `<project>_default`, with every port the StackInfo names
    // published on 127.0.0.1; host: the host's, nothing published.
    const projectNetwork = `${project}_default`;
    for (const service of services.filter((s) => s !== 'bitrix')) {
      const { networkMode, networks } = containers.get(service)!;
      expect({ service, networkMode, networks }).toEqual(
        mode === 'bridge'
          ? { service, networkMode: projectNetwork, networks: [projectNetwork] }
          : { service, networkMode: 'host', networks: ['host'] },
      );
    }
    const published = [...containers.values()].flatMap((c) => c.published).sort();
    expect(published).toEqual(mode === 'bridge' ? stackPorts(info) : []);
  });

  it('routes every seller’s checkout on the production hosts, through the egress proxy, to the seller’s BIN', async () => {
    const info = stack!.info;
    expect(info.egress, 'StackInfo.egress').toBeDefined();
    const egress = egressControl(info.egress!.url);
    await egress.clear();

    // As natively: no simulator URL is configured, so the integration calls its production hosts.
    const db = await createConnection({
      host: info.mariadb.host,
      port: info.mariadb.port,
      user: info.mariadb.user,
      password: info.mariadb.password,
      database: info.mariadb.database,
    });
    try {
      const [options] = await db.query<RowDataPacket[]>(
        "SELECT NAME FROM b_option WHERE MODULE_ID = ? AND NAME IN ('kaspi_api_url', 'payment_service_url')",
        [kaspiModuleId],
      );
      expect(options).toEqual([]);
    } finally {
      await db.end();
    }

    const faker = seededFaker(info.seed);
    const paymentService = new PaymentServiceControlClient(info.paymentService.controlUrl);
    const logsBefore = (await paymentService.requests()).filter((r) => r.path === '/api/payment/log').length;
    const kaspi = new KaspiControlClient(info.kaspi.controlUrl);
    for (const seller of sellers) {
      const attempt = await checkoutOneProduct(info.bitrix.url, seller.shopId, faker);
      expect(attempt.body, `${seller.name}: ${JSON.stringify(attempt.body)}`).toMatchObject({ ok: true });
      if (!attempt.body.ok) return;
      // The seller's BIN (not the fallback's): the config came from the payment-service over TLS.
      expect(attempt.body.payment.organizationBin, seller.name).toBe(seller.bin);
      const purchases = await kaspi.purchases({ qrPaymentId: attempt.body.payment.qrPaymentId });
      expect(purchases).toHaveLength(1);
      expect(purchases[0]).toMatchObject({ organizationBin: seller.bin, deviceToken: seller.deviceToken });
    }
    // Each purchase was created on r3 (a TLS listener that answers -10000 without the run CA's
    // client certificate) and logged at the payment-service, and nothing was refused on the way.
    const creates = (await kaspi.journal()).filter((e) => e.path === '/r3/v01/qr/create');
    expect(creates.filter((e) => e.statusCode === 0).length).toBeGreaterThanOrEqual(sellers.length);
    const logsAfter = (await paymentService.requests()).filter((r) => r.path === '/api/payment/log').length;
    expect(logsAfter - logsBefore).toBe(sellers.length);
    expect(await egress.unexpected()).toEqual([]);
  }, 180_000);

  it('materialises the harness-files config: the client certificate from Kaspi’s partner CA, ca.pem the server CA', async () => {
    const home = join(stack!.info.bitrix.documentRoot, '..', '..');
    const certificates = join(home, 'bitrix', 'kaspi_certificates');
    const ca = new X509Certificate(await readFile(join(certificates, 'ca.pem')));
    const client = new X509Certificate(await readFile(join(certificates, 'client.crt')));
    expect(ca.ca).toBe(true);
    expect(ca.subject).not.toContain(partnerAuthorityName);
    // Kaspi accepting it end to end is the routing test's proof; here, who issued it.
    expect(client.issuer).toContain(`CN=${partnerAuthorityName}`);
    expect(client.checkIssued(ca)).toBe(false);
    expect((await stat(join(certificates, 'client.key'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(home, 'bitrix', '.kaspi.env'), 'utf8')).toBe('KASPI_ENV=test\n');
  });

  it("runs the team's init.php (--php-init) on every request", async () => {
    const response = await fetch(`${stack!.info.bitrix.url}/local/api/catalogue.php`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-team-init')).toBe('docker-test');
  });

  it('refuses and records a PHP request to a host nobody routed, reaches nothing by raw socket; the team’s host reaches the sink', async () => {
    const info = stack!.info;
    const egress = egressControl(info.egress!.url);
    const sink = webhookSinkControl(info.webhookSink!.url);
    await Promise.all([egress.clear(), sink.clear()]);
    // A page of the site, served by the stub's own PHP (its environment, ini and prepend file):
    // libcurl with HTTPS_PROXY (SOCKS5), a stream wrapper with the prepended default context (HTTP).
    await writeFile(
      join(info.bitrix.documentRoot, 'kh-egress-probe.php'),
      `<?php
$curl = function (string $url, ?string $body = null): array {
  $ch = curl_init($url);
  curl_setopt_array($ch, [CURLOPT_RETURNTRANSFER => true, CURLOPT_TIMEOUT => 10]);
  if ($body !== null) {
      curl_setopt_array($ch, [CURLOPT_POST => true, CURLOPT_POSTFIELDS => $body, CURLOPT_HTTPHEADER => ['Content-Type: application/json']]);
  }
  $answer = curl_exec($ch);
  return ['connect' => curl_getinfo($ch, CURLINFO_HTTP_CONNECTCODE), 'status' => curl_getinfo($ch, CURLINFO_RESPONSE_CODE), 'error' => curl_error($ch), 'body' => $answer];
};
$stream = @file_get_contents('http://example.org/leak');
// A raw socket ignores every proxy setting: the container's lack of a network is what stops it.
$raw = @fsockopen('127.0.0.1', ${Number(new URL(info.kaspi.controlUrl).port)}, $errno, $errstr, 2);
header('Content-Type: application/json');
echo json_encode([
  'telegram' => $curl('https://api.telegram.org/bot1/sendMessage'),
  'stream' => [$stream, $http_response_header[0] ?? null],
  'crm' => $curl('https://crm.cvety.kz/hooks/probe', '{"probe":true}'),
  'raw' => $raw !== false,
]);
`,
    );
    const response = await fetch(`${info.bitrix.url}/kh-egress-probe.php`);
    expect(response.status).toBe(200);
    const out = (await response.json()) as {
      telegram: { connect: number; error: string };
      stream: [string | false, string | null];
      crm: { status: number; error: string };
      raw: boolean;
    };
    expect(out.raw, 'a raw socket to the Kaspi simulator’s control port').toBe(false);
    // Refused by the proxy's ruleset (SOCKS reply 0x02): curl fails at once and names the host.
    expect(out.telegram.error).toMatch(/SOCKS5 connection to api\.telegram\.org/);
    expect(out.stream).toEqual([false, expect.stringContaining('403')]);
    // TLS to the team's host verified against the run CA (PHP trusts nothing else).
    expect(out.crm).toMatchObject({ status: 200, error: '' });

    const refused = await egress.unexpected();
    expect(refused).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ host: 'api.telegram.org', port: 443, method: 'SOCKS' }),
        expect.objectContaining({ host: 'example.org', port: 80, method: 'GET' }),
      ]),
    );
    expect(refused).toHaveLength(2);
    expect(await sink.received()).toMatchObject([
      { method: 'POST', host: 'crm.cvety.kz', path: '/hooks/probe', body: { probe: true } },
    ]);
    await egress.clear();
  }, 60_000);

  it("runs the deployment guide's runbook snippets in the bitrix container, with the native stack's outcomes", async () => {
    const harness = stack!.info.harness;
    expect(harness, 'StackInfo.harness').toBeDefined();
    const response = await fetch(`${harness!.controlUrl}/runbook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(200);
    const checks = (await response.json()) as RunbookCheck[];
    expect(
      checks.map((check) => ({ step: check.step, works: check.ok })),
      JSON.stringify(checks, null, 2),
    ).toEqual(guideOutcomes.map(({ step, works }) => ({ step, works })));
  }, 120_000);

  // Last: it restarts a container. The others loaded the run's CA at their start; a new one would
  // leave PHP trusting a CA the simulators' certificates do not come from.
  it('keeps the run’s CAs when the sandbox container alone restarts: a checkout still reaches the seller’s BIN', async () => {
    const info = stack!.info;
    const compose = await composeCommand();
    const sandbox = compose.containerName(projectNameFor(info.runId), 'sandbox');
    expect(await tryRun('docker', ['restart', sandbox])).toBeDefined();
    const egress = egressControl(info.egress!.url);
    const deadline = Date.now() + 60_000;
    // Back means both: the egress proxy answers, and so does the storefront, whose port the
    // sandbox relays too (its relays start after the proxy).
    const answers = (request: () => Promise<unknown>) =>
      request().then(
        () => true,
        () => false,
      );
    const catalogue = async () => {
      const response = await fetch(`${info.bitrix.url}/local/api/catalogue.php`);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
    };
    while (!((await answers(() => egress.unexpected())) && (await answers(catalogue)))) {
      if (Date.now() > deadline) throw new Error('the sandbox did not come back within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const seller = sellers[0]!;
    const attempt = await checkoutOneProduct(info.bitrix.url, seller.shopId, seededFaker(info.seed + 1));
    expect(attempt.body, JSON.stringify(attempt.body)).toMatchObject({
      ok: true,
      payment: { organizationBin: seller.bin },
    });
  }, 180_000);
}

for (const mode of ['bridge', 'host'] as const) {
  const skipped = !dockerTestsRequired
    ? 'set KASPI_HARNESS_DOCKER_TESTS=1; CI does, after .ci/docker-engine.sh'
    : mode === 'bridge' && !engineHasBridge
      ? 'the engine has no bridge network'
      : undefined;
  describe.skipIf(skipped !== undefined)(
    `docker stack on the ${mode} network${skipped ? ` (skipped: ${skipped})` : ''}`,
    () => dockerStackTests(mode),
  );
}
