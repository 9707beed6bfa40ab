/**
 * Proof that `npm run phase6` catches a routing bug: run the whole command against broken variants
 * of the integration classes and require a non-zero exit that names the sellers whose money went
 * astray. (The reference classes passing is the scenarios project itself.)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadVariant, materializeVariant } from '../../fixtures/variants.ts';
import { sellers } from '../../fixtures/organizations.ts';
import type { RunReport } from '../report/model.ts';

const repoRoot = join(import.meta.dirname, '..', '..');
const cleanup: string[] = [];
afterAll(() => cleanup.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function phase6With(
  variantName: string,
): Promise<{ code: number | null; output: string; report: RunReport }> {
  const classes = materializeVariant(loadVariant(variantName));
  const reportsDir = mkdtempSync(join(tmpdir(), 'kaspi-harness-mutation-reports-'));
  cleanup.push(classes, reportsDir);
  const child = spawn(
    process.execPath,
    [
      'cli/bin.mjs',
      'phase6',
      '--no-browser',
      '--quiet',
      '--php-classes',
      classes,
      '--reports-dir',
      reportsDir,
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const report = JSON.parse(readFileSync(join(reportsDir, 'latest', 'results.json'), 'utf8')) as RunReport;
  return { code, output, report };
}

describe('npm run phase6 against a hard-coded BIN', () => {
  it('exits non-zero and names every seller whose money went to the marketplace', async () => {
    const { code, output, report } = await phase6With('hardcoded-marketplace-bin');
    expect(code, output).not.toBe(0);
    expect(report.verdict).toBe('fail');
    const routing = report.tests.filter((test) => test.routing?.scenario === 'routing: payment-service up');
    expect(routing.map((test) => [test.routing?.shopId, test.routing?.verdict])).toEqual(
      sellers.map((seller) => [seller.shopId, 'diverted']),
    );
    const verdictLine = output.split('\n').find((line) => line.startsWith('FAIL')) ?? '';
    const diverted = verdictLine.slice(
      verdictLine.indexOf('Diverted to the marketplace instead of the seller for:'),
    );
    for (const seller of sellers) expect(diverted).toContain(`${seller.name} (${seller.shopId})`);
    // The cause comes first: the service answered each seller's config, and the class paid the
    // marketplace anyway.
    expect(report.causes[0]?.key, output).toBe('config-rejected');
    expect(output.indexOf('ROOT CAUSES'), 'causes before the matrix').toBeLessThan(
      output.indexOf('routing: payment-service up'),
    );
  }, 180_000);

  it("names the six sellers Kaspi refused when one seller's BIN is hard-coded, and not that seller", async () => {
    const { code, output, report } = await phase6With('hardcoded-seller-bin');
    expect(code, output).not.toBe(0);
    const routing = report.tests.filter((test) => test.routing?.scenario === 'routing: payment-service up');
    const failed = routing.filter((test) => test.state === 'failed').map((test) => test.routing?.shopId);
    expect(failed.sort()).toEqual(
      sellers
        .filter((s) => s.bin !== '920317450731')
        .map((s) => s.shopId)
        .sort(),
    );
    const eileen = routing.find((test) => test.routing?.shopId === 121038);
    expect(eileen?.state).toBe('passed');
    // One cause, named with Kaspi's own code and what it means.
    expect(report.causes.map((cause) => cause.key)).toContain('kaspi-refused:/r3/v01/qr/create:-1501');
    expect(output).toContain('fix: send the DeviceToken and OrganizationBin of the same config');
  }, 180_000);
});
