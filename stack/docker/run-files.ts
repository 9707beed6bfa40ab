/**
 * The two files a docker run adds to docker-compose.yml, written once into its run directory: the
 * containers' settings file (settings.ts) and a compose file that compose reads after
 * docker-compose.yml (and docker-compose.host.yml on the host network). Compose merges them so that
 * the run's file overrides scalars (`user`, build args) and mounts by their target path (the run's
 * home for the `bitrix-home` volume, the team's classes for the reference ones) but appends to
 * lists: `ports` therefore live only here and in docker-compose.override.yml, which the harness
 * never passes. Written as JSON, which is YAML too.
 */
import { writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ImageSettings } from './images.ts';
import {
  containerPaths,
  defaultPhpWorkers,
  settingsFile,
  settingsFileText,
  type ContainerSettings,
  type DockerPorts,
  type NetworkMode,
} from './settings.ts';

/** Every service of docker-compose.yml, in start order. */
export const services = [
  'mariadb',
  'postgres',
  'sandbox',
  'kaspi',
  'payment-service',
  'bitrix-init',
  'bitrix',
] as const;
export type Service = (typeof services)[number];

/** What each service publishes on the host's 127.0.0.1 on the project network (as docker-compose.override.yml). */
const publishedPorts: Partial<Record<Service, (keyof DockerPorts)[]>> = {
  mariadb: ['mariadb'],
  postgres: ['postgres'],
  kaspi: ['kaspi', 'kaspiControl'],
  'payment-service': ['paymentService', 'paymentServiceControl'],
  // The Bitrix port too: the bitrix container has no network, the sandbox relays to it.
  sandbox: ['bitrix', 'egress', 'webhookSink'],
};

export interface DockerRun {
  networkMode: NetworkMode;
  ports: DockerPorts;
  /** The harness's own uid:gid, for the Bitrix containers: the run's files stay its own. */
  user: { uid: number; gid: number };
  mariadbPassword: string;
  seed: number;
  webhookUrl?: string;
  paymentServiceHosts?: readonly string[];
  /** Host directory mounted as the Bitrix containers' /home (StackInfo's document root is in it). */
  home: string;
  /** The team's PHP, absolute host paths; absent: docker-compose.yml's reference classes. */
  php: { classesDir?: string; initFile?: string; filesConfig?: string };
  /** The site's sellers file, absolute host path; absent: the bundled sellers. */
  sellersFile?: string;
  images: ImageSettings;
}

export function containerSettingsFor(run: DockerRun): ContainerSettings {
  return {
    networkMode: run.networkMode,
    ports: run.ports,
    bitrixUser: run.user,
    mariadbPassword: run.mariadbPassword,
    seed: run.seed,
    webhookUrl: run.webhookUrl,
    paymentServiceHosts: [...(run.paymentServiceHosts ?? [])],
    phpInitName: run.php.initFile && basename(run.php.initFile),
    phpFilesName: run.php.filesConfig && basename(run.php.filesConfig),
    phpWorkers: defaultPhpWorkers,
    ...(run.sellersFile ? { sellersFile: containerPaths.sellers } : {}),
  };
}

type ServiceOverride = {
  user?: string;
  ports?: string[];
  volumes: string[];
  build?: { args: Record<string, string> };
};

/** The run's compose file, with `settingsPath` (the host path of its settings file) mounted in every container. */
export function runComposeDocument(
  run: DockerRun,
  settingsPath: string,
): { services: Record<Service, ServiceOverride> } {
  const user = `${run.user.uid}:${run.user.gid}`;
  const base = { BASE_IMAGE: run.images.baseImage };
  const document = Object.fromEntries(
    services.map((service): [Service, ServiceOverride] => {
      const ports = run.networkMode === 'bridge' ? publishedPorts[service] : undefined;
      return [
        service,
        {
          ...(ports ? { ports: ports.map((key) => `127.0.0.1:${run.ports[key]}:${run.ports[key]}`) } : {}),
          volumes: [
            `${settingsPath}:${settingsFile}:ro`,
            ...(run.sellersFile ? [`${run.sellersFile}:${containerPaths.sellers}:ro`] : []),
          ],
        },
      ];
    }),
  ) as Record<Service, ServiceOverride>;

  for (const service of ['mariadb', 'postgres', 'bitrix'] as const) document[service].build = { args: base };
  document.sandbox.build = { args: { ...base, NODE_IMAGE: run.images.nodeImage } };

  const init = document['bitrix-init'];
  init.user = user;
  init.volumes.push(`${run.home}:${containerPaths.home}`);
  if (run.php.classesDir) init.volumes.push(`${run.php.classesDir}:${containerPaths.phpClasses}:ro`);
  // The whole directory: a config's `source` paths are relative to it.
  if (run.php.filesConfig) init.volumes.push(`${dirname(run.php.filesConfig)}:${containerPaths.phpFiles}:ro`);
  if (run.php.initFile) init.volumes.push(`${dirname(run.php.initFile)}:${containerPaths.phpInit}:ro`);
  document.bitrix.user = user;
  document.bitrix.volumes.push(`${run.home}:/home`);
  return { services: document };
}

/** Writes both files into `dir`; returns the compose file's path. The settings hold a password: 0600. */
export function writeRunFiles(dir: string, run: DockerRun): string {
  const settingsPath = join(dir, 'container-settings.env');
  writeFileSync(settingsPath, settingsFileText(containerSettingsFor(run)), { mode: 0o600 });
  const composePath = join(dir, 'docker-compose.run.json');
  writeFileSync(composePath, `${JSON.stringify(runComposeDocument(run, settingsPath), null, 2)}\n`);
  return composePath;
}
