/**
 * What the containers and the harness agree on. A docker run's settings travel as one file the
 * harness writes into the run directory (`settingsFileText`) and compose mounts read-only at
 * `settingsFile` in every container: the shell entrypoints (docker/*\/entrypoint.sh) source it, the
 * Node containers read it here (`readContainerSettings`), the only parser. A setting the file leaves
 * out takes its default, and plain `docker compose up` mounts no file at all: the defaults are the
 * URLs it serves (docker-compose.host.yml mounts docker/host-network.env, which says only
 * NETWORK_MODE=host). Also how a service finds its peers in each network mode. Used on both sides.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';

export type NetworkMode = 'bridge' | 'host';

/** The ports a docker stack listens on. */
export interface DockerPorts {
  bitrix: number;
  kaspi: number;
  kaspiControl: number;
  paymentService: number;
  paymentServiceControl: number;
  mariadb: number;
  postgres: number;
  /** The Kaspi simulator's TLS listener per access scheme (what the egress proxy routes Kaspi's hosts to). */
  kaspiR1: number;
  kaspiR2: number;
  kaspiR3: number;
  /** The payment-service simulator's TLS listener (certificate for payment-service.up.railway.app). */
  paymentServiceTls: number;
  /** PHP's only way out (HTTPS_PROXY); its /__egress/ paths are the record of refused egress. */
  egress: number;
  /** Where the team's own hosts (crm.cvety.kz) end up; /__sink/received lists what arrived. */
  webhookSink: number;
}

/** Each port's name in the settings file (the shell entrypoints read the same names). */
export const portNames: Record<keyof DockerPorts, string> = {
  bitrix: 'BITRIX_PORT',
  kaspi: 'KASPI_PORT',
  kaspiControl: 'KASPI_CONTROL_PORT',
  paymentService: 'PAYMENT_SERVICE_PORT',
  paymentServiceControl: 'PAYMENT_SERVICE_CONTROL_PORT',
  mariadb: 'MARIADB_PORT',
  postgres: 'POSTGRES_PORT',
  kaspiR1: 'KASPI_R1_PORT',
  kaspiR2: 'KASPI_R2_PORT',
  kaspiR3: 'KASPI_R3_PORT',
  paymentServiceTls: 'PAYMENT_SERVICE_TLS_PORT',
  egress: 'EGRESS_PORT',
  webhookSink: 'WEBHOOK_SINK_PORT',
};

/**
 * What `docker compose up` serves; docker-compose.override.yml publishes these and the shell
 * entrypoints default to them too: keep them in step.
 */
export const defaultPorts: DockerPorts = {
  bitrix: 8080,
  kaspi: 8545,
  kaspiControl: 9545,
  paymentService: 8000,
  paymentServiceControl: 9000,
  // Not 3306/5432: a developer's own database server usually has those.
  mariadb: 33061,
  postgres: 54321,
  // Kaspi's test host numbers (r1 8543, r2 8544, r3 8545) behind a 1: 8545 is the plain listener.
  kaspiR1: 18543,
  kaspiR2: 18544,
  kaspiR3: 18545,
  paymentServiceTls: 8443,
  egress: 3128,
  webhookSink: 9090,
};

/** As the native stub's `php -S` (platform/php.ts); docker/bitrix/entrypoint.sh has the same default. */
export const defaultPhpWorkers = 4;

export interface ContainerSettings {
  /** NETWORK_MODE: peers by service name on the project network (`bridge`), or on 127.0.0.1 (`host`). */
  networkMode: NetworkMode;
  ports: DockerPorts;
  /**
   * BITRIX_USER (`uid:gid`): who the Bitrix containers run as (the harness's own user, so the run's
   * files stay its own); the sandbox gives it the CA keys and the socket directory. Absent: root.
   */
  bitrixUser?: { uid: number; gid: number };
  /** MARIADB_PASSWORD, the application user's; absent: the MariaDB container generates one. */
  mariadbPassword?: string;
  /** SEED of the catalogue; absent: fixtures/seed.ts's. */
  seed?: number;
  /** WEBHOOK_URL, the storefront's payment webhook; absent: https://crm.cvety.kz/hooks/kaspi (the sink). */
  webhookUrl?: string;
  /** PAYMENT_SERVICE_HOSTS (comma-separated): more hosts the egress proxy sends to the payment-service simulator. */
  paymentServiceHosts: string[];
  /** PHP_INIT_NAME: the team's init.php (--php-init) in bitrix-init's `containerPaths.phpInit`. */
  phpInitName?: string;
  /** PHP_FILES_NAME: a harness-files config (platform/php-files.ts) in `containerPaths.phpFiles`. */
  phpFilesName?: string;
  /** PHP_WORKERS: PHP_CLI_SERVER_WORKERS of the bitrix container's `php -S`. */
  phpWorkers: number;
  /** SELLERS_FILE: the site's sellers file (`containerPaths.sellers`); absent: the bundled sellers. */
  sellersFile?: string;
}

/** Where every container finds the run's settings file (read-only). */
export const settingsFile = '/etc/kaspi-harness/settings.env';

/** What bitrix-init mounts where: docker-compose.yml's defaults, the run's compose file's overrides. */
export const containerPaths = {
  /** /home of the bitrix container (layOutDocumentRoot adds `home/` to bitrix-init's /kh). */
  home: '/kh/home',
  phpClasses: '/kh/php-classes',
  /** The directory of a harness-files config: its `source` paths are relative to it. */
  phpFiles: '/kh/php-files',
  phpInit: '/kh/php-init',
  /** The site's sellers file (--sellers-file), in every Node container. */
  sellers: '/kh/sellers.json',
} as const;

const otherNames = [
  'NETWORK_MODE',
  'BITRIX_USER',
  'MARIADB_PASSWORD',
  'SEED',
  'WEBHOOK_URL',
  'PAYMENT_SERVICE_HOSTS',
  'PHP_INIT_NAME',
  'PHP_FILES_NAME',
  'PHP_WORKERS',
  'SELLERS_FILE',
] as const;
const knownNames = new Set<string>([...Object.values(portNames), ...otherNames]);

/** Every setting as the file writes it: the name and the value as text, absent ones left out. */
function settingsValues(settings: ContainerSettings): [string, string][] {
  const values: [string, string | undefined][] = [
    ['NETWORK_MODE', settings.networkMode],
    ...(Object.keys(portNames) as (keyof DockerPorts)[]).map((key): [string, string] => [
      portNames[key],
      String(settings.ports[key]),
    ]),
    ['BITRIX_USER', settings.bitrixUser && `${settings.bitrixUser.uid}:${settings.bitrixUser.gid}`],
    ['MARIADB_PASSWORD', settings.mariadbPassword],
    ['SEED', settings.seed?.toString()],
    ['WEBHOOK_URL', settings.webhookUrl],
    ['PAYMENT_SERVICE_HOSTS', settings.paymentServiceHosts.join(',') || undefined],
    ['PHP_INIT_NAME', settings.phpInitName],
    ['PHP_FILES_NAME', settings.phpFilesName],
    ['PHP_WORKERS', String(settings.phpWorkers)],
    ['SELLERS_FILE', settings.sellersFile],
  ];
  return values.filter((entry): entry is [string, string] => entry[1] !== undefined);
}

/** Single quotes for sh, where nothing is special but the quote itself (written as '\''). */
function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/**
 * The settings file: `NAME='value'` lines, valid for sh's `.` and for `parseSettingsFile`, which
 * reads back exactly these values (and gives the defaults for what is left out).
 */
export function settingsFileText(settings: ContainerSettings): string {
  const checked = settingsFrom(Object.fromEntries(settingsValues(settings)), 'the run settings');
  const lines = settingsValues(checked).map(([name, value]) => {
    if (/[\n\r\0]/.test(value)) throw new Error(`${name} must be one line, got ${JSON.stringify(value)}`);
    return `${name}=${shellQuote(value)}`;
  });
  return `# A docker run's container settings (stack/docker/settings.ts), sourced by sh, read by Node.\n${lines.join('\n')}\n`;
}

/** One line's value: sh's single-quoted parts, `\'`, and unquoted characters sh leaves alone. */
const valuePattern = /^(?:'[^']*'|\\'|[\w./:,@%+=-])*$/;

/** The settings in a settings file's text; `source` names it in errors. */
export function parseSettingsFile(text: string, source: string): ContainerSettings {
  const values: Record<string, string> = {};
  text.split('\n').forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(trimmed);
    if (!match || !valuePattern.test(match[2]!))
      throw new Error(`${source}:${index + 1}: expected NAME='value', got ${trimmed}`);
    values[match[1]!] = match[2]!.replace(
      /'([^']*)'|\\(')/g,
      (_, quoted?: string, quote?: string) => quoted ?? quote!,
    );
  });
  return settingsFrom(values, source);
}

/** This container's settings: the mounted file's, or every default when there is none (`docker compose up`). */
export function readContainerSettings(file = settingsFile): ContainerSettings {
  return existsSync(file) ? parseSettingsFile(readFileSync(file, 'utf8'), file) : settingsFrom({}, file);
}

/** Hostnames from a comma-separated list. */
function hostList(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((host) => host.trim())
    .filter((host) => host !== '');
}

/** Checked settings from named text values; an empty value counts as absent, as in sh's `${NAME:-default}`. */
function settingsFrom(values: Record<string, string>, source: string): ContainerSettings {
  const unknown = Object.keys(values).filter((name) => !knownNames.has(name));
  if (unknown.length > 0)
    throw new Error(
      `${source}: unknown setting ${unknown.join(', ')} (known: ${[...knownNames].join(', ')})`,
    );
  const value = (name: string): string | undefined => values[name] || undefined;
  const fail = (name: string, expected: string): never => {
    throw new Error(`${source}: ${name} must be ${expected}, got ${JSON.stringify(values[name])}`);
  };
  const integer = (name: string, min: number, max: number): number | undefined => {
    const raw = value(name);
    if (raw === undefined) return undefined;
    const number = Number(raw);
    return /^-?\d+$/.test(raw) && number >= min && number <= max
      ? number
      : fail(name, `a whole number from ${min} to ${max}`);
  };
  const fileName = (name: string): string | undefined => {
    const raw = value(name);
    return raw === undefined || (basename(raw) === raw && raw !== '.' && raw !== '..')
      ? raw
      : fail(name, 'a file name');
  };

  const networkMode = value('NETWORK_MODE') ?? 'bridge';
  if (networkMode !== 'bridge' && networkMode !== 'host') fail('NETWORK_MODE', 'bridge or host');
  const ports = { ...defaultPorts };
  for (const key of Object.keys(portNames) as (keyof DockerPorts)[])
    ports[key] = integer(portNames[key], 1, 65_535) ?? defaultPorts[key];
  const user = value('BITRIX_USER');
  const userMatch =
    user === undefined ? undefined : (/^(\d+):(\d+)$/.exec(user) ?? fail('BITRIX_USER', 'uid:gid'));
  const webhookUrl = value('WEBHOOK_URL');
  if (
    webhookUrl !== undefined &&
    !(URL.canParse(webhookUrl) && /^https?:$/.test(new URL(webhookUrl).protocol))
  )
    fail('WEBHOOK_URL', 'an http(s) URL');
  return {
    networkMode: networkMode as NetworkMode,
    ports,
    bitrixUser: userMatch && { uid: Number(userMatch[1]), gid: Number(userMatch[2]) },
    mariadbPassword: value('MARIADB_PASSWORD'),
    seed: integer('SEED', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
    webhookUrl,
    paymentServiceHosts: hostList(value('PAYMENT_SERVICE_HOSTS')),
    phpInitName: fileName('PHP_INIT_NAME'),
    phpFilesName: fileName('PHP_FILES_NAME'),
    phpWorkers: integer('PHP_WORKERS', 1, 64) ?? defaultPhpWorkers,
    sellersFile:
      value('SELLERS_FILE') === undefined || value('SELLERS_FILE') === containerPaths.sellers
        ? value('SELLERS_FILE')
        : fail('SELLERS_FILE', containerPaths.sellers),
  };
}

/** The application database bitrix-init seeds (the production site's names, as in platform/mariadb.ts). */
export const mariadbDatabase = { name: 'dbcvety', user: 'usercvety' } as const;

/** Where the MariaDB container writes the application password, in the shared state volume. */
export const mariadbPasswordFile = '/run/kaspi-harness/mariadb-password';

/**
 * The run's sandbox material in the shared state volume, at the same path in every container that
 * mounts it: the CAs the sandbox container makes at start (never in an image), and the PHP settings
 * that make the bitrix container's PHP trust it and send every outbound call to the egress proxy.
 */
export const sandboxFiles = {
  caCert: '/run/kaspi-harness/tls/ca.pem',
  /** Owned by the Bitrix user (BITRIX_USER), mode 0600. */
  caKey: '/run/kaspi-harness/tls/ca-key.pem',
  /** Kaspi's partner CA: the Kaspi container checks client certificates against it. */
  partnerCaCert: '/run/kaspi-harness/tls/partner-ca.pem',
  /** Owned by the Bitrix user (bitrix-init issues the client certificates), mode 0600. */
  partnerCaKey: '/run/kaspi-harness/tls/partner-ca-key.pem',
  phpDir: '/run/kaspi-harness/php',
  /** PHP_INI_SCAN_DIR of the bitrix container (after a ':' that keeps Debian's own conf.d). */
  phpIniDir: '/run/kaspi-harness/php/conf.d',
  /**
   * The bitrix container's only connections (it has no network, stack/docker/relay.ts): a volume of
   * unix sockets shared with the sandbox container, owned by the Bitrix user.
   */
  socketDir: '/run/kh-sockets',
} as const;

/**
 * What a simulator container's health check probes, written by the service once it serves
 * (service-entry.ts): `<port>` (a TCP connect) or `<port> <path>` (an HTTP answer below 500), so
 * docker-compose.yml's checks need no port of their own. Inside each container, not shared.
 */
export const probeFile = '/tmp/kaspi-harness-probe';

/**
 * How one container reaches another: on the host network every service is on 127.0.0.1; on a
 * compose bridge network by its service name.
 */
export function peerHost(
  service: 'mariadb' | 'postgres' | 'kaspi' | 'payment-service' | 'sandbox',
  mode: NetworkMode,
): string {
  return mode === 'host' ? '127.0.0.1' : service;
}

/** The line a simulator container prints once it serves (the harness's log-message wait strategy). */
export const readyLine = (service: string): string => `kaspi-harness: ${service} ready`;
