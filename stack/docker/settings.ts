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
}

export const portVariables: Record<keyof DockerPorts, string> = {
  bitrix: 'KASPI_HARNESS_BITRIX_PORT',
  kaspi: 'KASPI_HARNESS_KASPI_PORT',
  kaspiControl: 'KASPI_HARNESS_KASPI_CONTROL_PORT',
  paymentService: 'KASPI_HARNESS_PAYMENT_SERVICE_PORT',
  paymentServiceControl: 'KASPI_HARNESS_PAYMENT_SERVICE_CONTROL_PORT',
  mariadb: 'KASPI_HARNESS_MARIADB_PORT',
  postgres: 'KASPI_HARNESS_POSTGRES_PORT',
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
};

/** The application database bitrix-init seeds (the production site's names, as in stack/mariadb.ts). */
export const mariadbDatabase = { name: 'dbcvety', user: 'usercvety' } as const;

/** Where the MariaDB container writes the application password, in the shared state volume. */
export const mariadbPasswordFile = '/run/kaspi-harness/mariadb-password';

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
  service: 'mariadb' | 'postgres' | 'kaspi' | 'payment-service',
  mode: NetworkMode,
): string {
  return mode === 'host' ? '127.0.0.1' : service;
}

/** The line a simulator container prints once it serves (the harness's log-message wait strategy). */
export const readyLine = (service: string): string => `kaspi-harness: ${service} ready`;
