/**
 * What the containers and the harness agree on: the variables docker-compose.yml reads, their
 * defaults (the URLs `docker compose up` serves), and how a service finds its peers in each
 * network mode. Used on both sides, so it imports nothing but Node.
 */

export type NetworkMode = 'bridge' | 'host';

/** The ports a docker stack listens on, as the variables docker-compose.yml reads. */
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

export const portVariables: Record<keyof DockerPorts, string> = {
  bitrix: 'KASPI_HARNESS_BITRIX_PORT',
  kaspi: 'KASPI_HARNESS_KASPI_PORT',
  kaspiControl: 'KASPI_HARNESS_KASPI_CONTROL_PORT',
  paymentService: 'KASPI_HARNESS_PAYMENT_SERVICE_PORT',
  paymentServiceControl: 'KASPI_HARNESS_PAYMENT_SERVICE_CONTROL_PORT',
  mariadb: 'KASPI_HARNESS_MARIADB_PORT',
  postgres: 'KASPI_HARNESS_POSTGRES_PORT',
  kaspiR1: 'KASPI_HARNESS_KASPI_R1_PORT',
  kaspiR2: 'KASPI_HARNESS_KASPI_R2_PORT',
  kaspiR3: 'KASPI_HARNESS_KASPI_R3_PORT',
  paymentServiceTls: 'KASPI_HARNESS_PAYMENT_SERVICE_TLS_PORT',
  egress: 'KASPI_HARNESS_EGRESS_PORT',
  webhookSink: 'KASPI_HARNESS_WEBHOOK_SINK_PORT',
};

/** Same as the defaults in docker-compose.yml: keep the two in step. */
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
  /** Owned by KASPI_HARNESS_USER, mode 0600. */
  caKey: '/run/kaspi-harness/tls/ca-key.pem',
  /** Kaspi's partner CA: the Kaspi container checks client certificates against it. */
  partnerCaCert: '/run/kaspi-harness/tls/partner-ca.pem',
  /** Owned by KASPI_HARNESS_USER (bitrix-init issues the client certificates), mode 0600. */
  partnerCaKey: '/run/kaspi-harness/tls/partner-ca-key.pem',
  phpDir: '/run/kaspi-harness/php',
  /** PHP_INI_SCAN_DIR of the bitrix container (after a ':' that keeps Debian's own conf.d). */
  phpIniDir: '/run/kaspi-harness/php/conf.d',
  /**
   * The bitrix container's only connections (it has no network, stack/docker/relay.ts): a volume of
   * unix sockets shared with the sandbox container, owned by KASPI_HARNESS_USER.
   */
  socketDir: '/run/kh-sockets',
} as const;

export function networkModeFrom(env: NodeJS.ProcessEnv): NetworkMode {
  return env.KASPI_HARNESS_NETWORK_MODE === 'host' ? 'host' : 'bridge';
}

export function portsFrom(env: NodeJS.ProcessEnv): DockerPorts {
  const ports = { ...defaultPorts };
  for (const key of Object.keys(portVariables) as (keyof DockerPorts)[]) {
    const raw = env[portVariables[key]];
    if (raw === undefined || raw === '') continue;
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 1 || port > 65_535)
      throw new Error(`${portVariables[key]} must be a port number (1-65535), got ${raw}`);
    ports[key] = port;
  }
  return ports;
}

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
