import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { useParts } from '../../platform/testing.ts';
import { assemble } from '../../platform/lifecycle.ts';
import { scratchDir } from '../../platform/run-dir.ts';
import { UsageError } from '../command.ts';
import { chaosCommand } from '../commands/chaos.ts';
import { verifyCommand } from '../commands/verify.ts';
import { sellers } from '../../fixtures/organizations.ts';
import { PaymentServiceControlClient } from '../../simulator/payment-service/control-client.ts';
import { startPaymentServiceSimulator } from '../../simulator/payment-service/server.ts';
import { startTestPostgres } from '../../simulator/payment-service/test-support.ts';
import { verifyDeployment } from './checks.ts';
import { declareLine, writeReports } from './output.ts';
import { readFileSync } from 'node:fs';

const parts = useParts(
  assemble()
    .with('postgres', startTestPostgres)
    .with('simulator', ({ postgres }) =>
      startPaymentServiceSimulator({ databaseUrl: postgres.server.url, profile: 'both' }),
    )
    .value('control', ({ simulator }) => new PaymentServiceControlClient(simulator.controlUrl))
    // A role that can read the two tables and nothing else.
    .value('verifierUrl', async ({ postgres }) => {
      const admin = new pg.Client({ connectionString: postgres.server.url });
      await admin.connect();
      await admin.query('CREATE ROLE verifier LOGIN');
      await admin.query('GRANT SELECT ON paymentconfig, paymentlog TO verifier');
      await admin.end();
      return postgres.server.url.replace('postgres://postgres@', 'postgres://verifier@');
    })
    .with('reports', () => scratchDir('kh-verify-')),
);
beforeEach(async () => {
  await parts.control.reset();
  await parts.control.setProfile('both');
});

const commands = { verify: verifyCommand, chaos: chaosCommand };

/** Runs a CLI command in-process (spawning tsx costs seconds), capturing what it prints. */
async function cli([name, ...args]: string[]): Promise<{ code: number; stdout: string }> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
    lines.push(parts.map(String).join(' '));
  });
  try {
    const code = await commands[name as keyof typeof commands].run(args);
    return { code, stdout: lines.join('\n') };
  } finally {
    spy.mockRestore();
  }
}

describe('verify: a read-only check of a running payment-service', () => {
  it('passes against a matching service and database, read by a SELECT-only role, with GETs only', async () => {
    const report = await verifyDeployment({
      serviceUrl: `${parts.simulator.url}/api`,
      databaseUrl: parts.verifierUrl,
      sellers,
    });
    expect(report.checks.filter((c) => !c.passed)).toEqual([]);
    expect(report.contract).toMatchObject({ guide: true, deployed: true, drift: [] });
    expect(report.checks.filter((c) => c.group === 'database').length).toBe(sellers.length + 2);
    const methods = new Set((await parts.control.requests()).map((r) => r.method));
    expect([...methods]).toEqual(['GET']);
  });

  it('the verifier role really cannot write, so the database checks above were SELECT-only', async () => {
    const client = new pg.Client({ connectionString: parts.verifierUrl });
    await client.connect();
    await expect(client.query("UPDATE paymentconfig SET organization_bin = 'x'")).rejects.toThrow(
      /permission denied/,
    );
    await client.end();
  });

  it('fails and names the shop when a config changed (BIN, inactive, token gone)', async () => {
    const [a, b, c] = sellers;
    await parts.control.putConfig(a!.shopId, { organization_bin: '000000000001' });
    await parts.control.putConfig(b!.shopId, { is_active: false });
    await parts.control.putConfig(c!.shopId, { device_token: null });
    await parts.control.putConfig(999001, { organization_bin: '123456789012' });
    const report = await verifyDeployment({
      serviceUrl: parts.simulator.url,
      databaseUrl: parts.verifierUrl,
      sellers,
    });
    const failed = report.checks.filter((check) => !check.passed);
    expect(report.passed).toBe(false);
    expect(failed.map((check) => check.name)).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`shop ${a!.shopId}`),
        expect.stringContaining(`shop ${b!.shopId}`),
        expect.stringContaining(`shop ${c!.shopId}`),
      ]),
    );
    expect(failed.find((check) => check.name.includes(`shop ${a!.shopId}) →`))?.detail).toContain(
      `organization_bin is 000000000001, expected ${a!.bin}`,
    );
    expect(failed.some((check) => check.detail.includes('unexpected shops: 999001'))).toBe(true);
  });

  it('reports drift when the service serves only the deployed contract', async () => {
    await parts.control.setProfile('deployed');
    const report = await verifyDeployment({ serviceUrl: parts.simulator.url, sellers });
    expect(report.contract.guide).toBe(false);
    const contract = report.checks.find((check) => check.group === 'contract');
    expect(contract?.passed).toBe(false);
    expect(contract?.detail).toContain(
      'the client calls GET /api/payment/config; this service has GET /admin/configs/{shop_id}',
    );
    // The sellers are still checked, through the deployed routes.
    expect(report.checks.filter((c) => c.group === 'sellers').every((c) => c.passed)).toBe(true);
    expect(declareLine(report)).toContain('run the harness with --payment-service-contract deployed');
  });

  it('saves the OpenAPI document a deployment serving neither contract publishes, and names it', async () => {
    // A team's own service, as FastAPI describes it at /openapi.json.
    const own = {
      openapi: '3.1.0',
      info: { title: 'payment-service', version: '2.0.0' },
      paths: { '/v2/health': { get: {} }, '/v2/shops/{shop_id}/kaspi': { get: {} } },
    };
    await parts.control.setProfile({ openapi: own });
    const report = await verifyDeployment({ serviceUrl: parts.simulator.url, sellers });
    expect(report.contract).toMatchObject({ guide: false, deployed: false, openapi: own });
    const dir = join(parts.reports.path, 'openapi-run');
    const written = await writeReports(report, dir);
    expect(JSON.parse(readFileSync(written.openapi!, 'utf8'))).toEqual(own);
    expect(declareLine(report, written.openapi)).toContain(
      `run the harness with --payment-service-contract ${written.openapi}`,
    );
  });

  it('CLI: exit 0 / 1, JSON and JUnit written, device tokens masked everywhere', async () => {
    const ok = await cli([
      'verify',
      '--payment-service-url',
      parts.simulator.url,
      '--database-url',
      parts.verifierUrl,
      '--reports-dir',
      parts.reports.path,
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('PASS');
    expect(ok.stdout).toContain('run the harness with --payment-service-contract guide');

    await parts.control.putConfig(sellers[4]!.shopId, { organization_bin: '999999999999' });
    const bad = await cli([
      'verify',
      '--payment-service-url',
      parts.simulator.url,
      '--reports-dir',
      parts.reports.path,
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`shop ${sellers[4]!.shopId}`);

    const runs = await readdir(parts.reports.path);
    expect(runs.length).toBeGreaterThanOrEqual(1);
    const texts = [ok.stdout, bad.stdout];
    for (const dir of runs) {
      const json = await readFile(join(parts.reports.path, dir, 'verify.json'), 'utf8');
      const junit = await readFile(join(parts.reports.path, dir, 'junit.xml'), 'utf8');
      expect(JSON.parse(json)).toHaveProperty('checks');
      expect(junit).toContain('<testsuites name="kaspi-harness verify"');
      texts.push(json, junit);
    }
    for (const text of texts) for (const seller of sellers) expect(text).not.toContain(seller.deviceToken);
    expect(new Set((await parts.control.requests()).map((r) => r.method))).toEqual(new Set(['GET']));
  });
});

describe('chaos CLI', () => {
  it('switches a fault on a running simulator, lists and clears it', async () => {
    const url = parts.simulator.controlUrl;
    const on = await cli([
      'chaos',
      'payment-service',
      'latency',
      '--ms',
      '200',
      '--method',
      'GET',
      '--path',
      '/api/*',
      '--control-url',
      url,
    ]);
    expect(on.code).toBe(0);
    expect(await parts.control.faults()).toMatchObject([
      { match: { method: 'GET', path: '/api/*' }, fault: { kind: 'latency', ms: 200 } },
    ]);
    const flap = await cli([
      'chaos',
      'payment-service',
      'http-status',
      '--status',
      '503',
      '--probability',
      '0.3',
      '--seed',
      '1',
      '--control-url',
      url,
    ]);
    expect(flap.code).toBe(0);
    expect((await parts.control.faults())[1]).toMatchObject({
      fault: { kind: 'http-status', status: 503 },
      probability: 0.3,
      seed: 1,
    });
    expect(
      JSON.parse((await cli(['chaos', 'payment-service', 'installed', '--control-url', url])).stdout),
    ).toHaveLength(2);
    expect((await cli(['chaos', 'payment-service', 'clear', '--control-url', url])).stdout).toContain(
      'removed 2',
    );
    await expect(cli(['chaos', 'payment-service', 'latency', '--control-url', url])).rejects.toThrow(
      UsageError,
    );
    await expect(
      cli(['chaos', 'payment-service', 'slow', '--ms', '5', '--control-url', url]),
    ).rejects.toThrow(/"slow" is now "latency"/);
    expect(await parts.control.faults()).toEqual([]);
  });
});

describe('maskSecrets', () => {
  it('masks UUIDs and anything labelled device token', async () => {
    const { maskSecrets } = await import('./output.ts');
    const token = sellers[0]!.deviceToken;
    const masked = maskSecrets(`{"device_token": "${token}", "deviceToken=secret-value-123"}`);
    expect(masked).not.toContain(token);
    expect(masked).not.toContain('secret-value-123');
    expect(masked).toContain(`${token.slice(0, 4)}…${token.slice(-4)}`);
  });
});
