/**
 * The docker provider, for real: the compose file validates; without a runtime the provider says so
 * in one line; and (KASPI_HARNESS_DOCKER_TESTS=1, set by CI after .ci/docker-engine.sh) a docker
 * stack boots, one seller's checkout through the Bitrix container lands on that seller's BIN in
 * the Kaspi container, and every container is gone after stop().
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededFaker } from '../../fixtures/customers.ts';
import { sellers } from '../../fixtures/organizations.ts';
import { KaspiControlClient } from '../../simulator/kaspi/control-client.ts';
import { checkout, fetchCatalogue } from '../../scenarios/support/storefront.ts';
import type { Stack } from '../stack.ts';
import { bootDockerStack, composeDir, projectNameFor } from './provider.ts';
import { composeCommand, noRuntimeMessage, tryRun } from './runtime.ts';

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

describe.skipIf(!compose && !dockerTestsRequired)(
  'docker-compose.yml (skipped: no docker compose installed)',
  () => {
    const config = async (files: string[], env: Record<string, string>) => {
      const { command, baseArgs } = compose!;
      const { stdout } = await run(command, [...baseArgs, ...files.flatMap((f) => ['-f', f]), 'config'], {
        cwd: composeDir,
        env: { ...process.env, ...env },
      });
      return stdout;
    };

    it('validates with its defaults: bridge network, the default ports published on 127.0.0.1 only', async () => {
      const resolved = await config(['docker-compose.yml', 'docker-compose.override.yml'], {});
      expect(resolved).toMatch(/network_mode: bridge/);
      const published = publishedPorts(resolved);
      expect(published.map((p) => p.port).sort()).toEqual(
        ['8000', '8080', '8545', '9000', '9545', '33061', '54321'].sort(),
      );
      for (const { hostIp } of published) expect(hostIp).toBe('127.0.0.1');
    });

    it('validates on the host network with the harness variables', async () => {
      const resolved = await config(['docker-compose.yml'], {
        KASPI_HARNESS_NETWORK_MODE: 'host',
        KASPI_HARNESS_BITRIX_PORT: '18080',
        KASPI_HARNESS_BITRIX_HOME: '/tmp/kh-config-test-home',
      });
      expect(resolved).toMatch(/network_mode: host/);
      expect(resolved).not.toMatch(/ports:/);
      expect(resolved).toContain('18080');
      expect(resolved).toContain('/tmp/kh-config-test-home');
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

describe.skipIf(!dockerTestsRequired)(
  'docker stack (skipped: set KASPI_HARNESS_DOCKER_TESTS=1; CI does, after .ci/docker-engine.sh)',
  () => {
    let stack: Stack | undefined;

    beforeAll(async () => {
      // A cold image build on a slow mirror takes minutes; a warm boot well under one.
      stack = await bootDockerStack({ seed: 20251103, log: (line) => console.log(`[docker] ${line}`) });
    }, 1_500_000);

    afterAll(async () => {
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

    it('routes one seller’s checkout through the Bitrix container to that seller’s BIN', async () => {
      const info = stack!.info;
      const seller = sellers[0]!;
      const product = (await fetchCatalogue(info.bitrix.url)).find((p) => p.shopId === seller.shopId);
      expect(product, `a product of ${seller.name} in the catalogue`).toBeDefined();

      const attempt = await checkout(info.bitrix.url, {
        items: [{ productId: product!.id, quantity: 1 }],
        paymentMethod: 'qr',
        faker: seededFaker(info.seed),
      });
      expect(attempt.body, JSON.stringify(attempt.body)).toMatchObject({ ok: true });
      if (!attempt.body.ok) return;
      expect(attempt.body.payment.organizationBin).toBe(seller.bin);

      const purchases = await new KaspiControlClient(info.kaspi.controlUrl).purchases({
        qrPaymentId: attempt.body.payment.qrPaymentId,
      });
      expect(purchases).toHaveLength(1);
      expect(purchases[0]).toMatchObject({ organizationBin: seller.bin, deviceToken: seller.deviceToken });
    }, 120_000);
  },
);
