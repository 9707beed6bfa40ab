/**
 * The docker run's settings file, read by both kinds of container: the shell entrypoints source it
 * with sh, the Node ones parse it (settings.ts). Both must read the values the harness wrote, and a
 * container without a file (plain `docker compose up`) runs on the documented defaults.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultPorts,
  parseSettingsFile,
  readContainerSettings,
  settingsFileText,
  type ContainerSettings,
} from './settings.ts';
import { containerSettingsFor, runComposeDocument, services, type DockerRun } from './run-files.ts';

const run = promisify(execFile);

const awkward: ContainerSettings = {
  networkMode: 'host',
  ports: { ...defaultPorts, bitrix: 41080, mariadb: 41306 },
  bitrixUser: { uid: 1000, gid: 1001 },
  mariadbPassword: "it's-$(not)-a-command`x`",
  seed: 7,
  webhookUrl: "https://crm.example.kz/hooks/kaspi?shop=1&note='x'",
  paymentServiceHosts: ['pay.example.kz', 'api.shop.kz'],
  phpInitName: "team's init.php",
  phpFilesName: 'harness files.json',
  phpWorkers: 2,
  sellersFile: '/kh/sellers.json',
};

describe('the settings file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kh-settings-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads back in Node exactly what the harness wrote', () => {
    expect(parseSettingsFile(settingsFileText(awkward), 'test')).toEqual(awkward);
    expect(
      parseSettingsFile("PAYMENT_SERVICE_HOSTS=' pay.example.kz, ,api.shop.kz '\n", 'test')
        .paymentServiceHosts,
    ).toEqual(['pay.example.kz', 'api.shop.kz']);
  });

  it('gives sh the same values when an entrypoint sources it, running nothing in them', async () => {
    const file = join(dir, 'settings.env');
    await writeFile(file, settingsFileText(awkward));
    const script =
      '. "$1"; printf "%s\\n" "$NETWORK_MODE" "$BITRIX_PORT" "$MARIADB_PASSWORD" "$WEBHOOK_URL" "$PHP_INIT_NAME" "$PAYMENT_SERVICE_HOSTS" "$BITRIX_USER"';
    const { stdout } = await run('sh', ['-c', script, 'sh', file], { cwd: dir });
    expect(stdout.split('\n').slice(0, -1)).toEqual([
      'host',
      '41080',
      awkward.mariadbPassword,
      awkward.webhookUrl,
      awkward.phpInitName,
      'pay.example.kz,api.shop.kz',
      '1000:1001',
    ]);
  });

  it('without a file, gives the defaults `docker compose up` serves on', () => {
    expect(readContainerSettings(join(dir, 'none.env'))).toEqual({
      networkMode: 'bridge',
      ports: defaultPorts,
      paymentServiceHosts: [],
      phpWorkers: 4,
    });
    expect(defaultPorts).toMatchObject({
      bitrix: 8080,
      kaspi: 8545,
      kaspiControl: 9545,
      paymentService: 8000,
    });
  });

  it("reads docker-compose.host.yml's file as the host network with every other default", () => {
    expect(
      readContainerSettings(join(import.meta.dirname, '..', '..', 'docker', 'host-network.env')),
    ).toEqual({
      ...readContainerSettings(join(dir, 'none.env')),
      networkMode: 'host',
    });
  });

  it('refuses, naming the line or the setting, what the two readers could read differently', () => {
    expect(() => parseSettingsFile('BITRIX_PORT=$(id)\n', 'f.env')).toThrow(
      "f.env:1: expected NAME='value', got BITRIX_PORT=$(id)",
    );
    expect(() => parseSettingsFile('BITRIX_PORT="8080"\n', 'f.env')).toThrow('f.env:1');
    expect(() => parseSettingsFile('BITRIX_PROT=8080\n', 'f.env')).toThrow(
      'f.env: unknown setting BITRIX_PROT',
    );
    expect(() => parseSettingsFile("BITRIX_PORT='80800'\n", 'f.env')).toThrow(
      'f.env: BITRIX_PORT must be a whole number from 1 to 65535, got "80800"',
    );
    expect(() => parseSettingsFile('NETWORK_MODE=none\n', 'f.env')).toThrow(
      'NETWORK_MODE must be bridge or host',
    );
    expect(() => parseSettingsFile('PHP_INIT_NAME=../init.php\n', 'f.env')).toThrow(
      'PHP_INIT_NAME must be a file name',
    );
    expect(() => settingsFileText({ ...awkward, phpInitName: 'init\n.php' })).toThrow(
      'PHP_INIT_NAME must be one line',
    );
  });
});

describe("a site's sellers file", () => {
  const run: DockerRun = {
    networkMode: 'bridge',
    ports: defaultPorts,
    user: { uid: 1000, gid: 1000 },
    mariadbPassword: 'secret',
    seed: 1,
    home: '/tmp/run/home',
    php: {},
    sellersFile: '/site/sellers.json',
    images: { baseImage: 'local/base:test', nodeImage: 'local/node:test' },
  };

  it('is mounted read-only in every container and named in the settings the Node ones read', () => {
    const document = runComposeDocument(run, '/tmp/run/container-settings.env');
    for (const service of services)
      expect(document.services[service].volumes).toContain('/site/sellers.json:/kh/sellers.json:ro');
    const settings = parseSettingsFile(settingsFileText(containerSettingsFor(run)), 'test');
    expect(settings.sellersFile).toBe('/kh/sellers.json');
  });

  it('is left out when the run has none: the containers keep the bundled sellers', () => {
    const { sellersFile: _, ...bundled } = run;
    const document = runComposeDocument(bundled, '/tmp/run/container-settings.env');
    expect(JSON.stringify(document)).not.toContain('sellers.json');
    expect(containerSettingsFor(bundled).sellersFile).toBeUndefined();
    expect(() => parseSettingsFile("SELLERS_FILE='/etc/passwd'\n", 'test')).toThrow(
      /SELLERS_FILE must be \/kh\/sellers.json/,
    );
  });
});
