/**
 * A site's repository as the harness meets it: its own `local/classes`, sellers file and scenario
 * files (`kaspi-scenarios/`, importing `kaspi-harness/scenarios`), run from the site's directory. The
 * site's checks run on the same stack, land in the site's own reports/, and decide the verdict.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const harness = join(import.meta.dirname, '..');
const site = mkdtempSync(join(tmpdir(), 'kaspi-harness-site-'));
afterAll(() => rmSync(site, { recursive: true, force: true }));

// The site installed the harness: node_modules/kaspi-harness (here, this checkout).
mkdirSync(join(site, 'node_modules'));
symlinkSync(harness, join(site, 'node_modules', 'kaspi-harness'), 'dir');
cpSync(
  join(harness, 'fixtures/php-clients/clean-room/Integration'),
  join(site, 'local/classes/Integration'),
  {
    recursive: true,
  },
);
const ownSellers = [
  { shopId: 9001, name: 'Tulip House', bin: '120340005671' },
  { shopId: 9002, name: 'Peony Lane', bin: '130440005672' },
];
writeFileSync(
  join(site, 'sellers.json'),
  JSON.stringify({ sellers: ownSellers, fallback: { name: 'Our marketplace', bin: '140540005673' } }),
);
writeFileSync(
  join(site, 'kaspi-harness.config.ts'),
  `import { defineConfig } from 'kaspi-harness/config';\nexport default defineConfig({ sellersFile: 'sellers.json' });\n`,
);
mkdirSync(join(site, 'kaspi-scenarios'));
writeFileSync(
  join(site, 'kaspi-scenarios', 'own-routing.test.ts'),
  `import { describe, forEachSeller, scenarioFile, tracePayment } from 'kaspi-harness/scenarios';

const { stack, faker, catalogue } = scenarioFile();

describe('[own-routing] a QR for each of our sellers', () => {
  forEachSeller('%s: lands on its own BIN', async (seller, task, expect) => {
    const { result } = await tracePayment(stack, {
      scenario: 'own-routing', seller, catalogue, faker, expectation: 'seller', meta: task.meta,
    });
    expect(result.receivedBin).toBe(seller.bin);
  });
});
`,
);
writeFileSync(
  join(site, 'kaspi-scenarios', 'own-rule.test.ts'),
  `import { describe, expect, sellers, test } from 'kaspi-harness/scenarios';

describe('[own-rule] a rule of the site', () => {
  test('every seller has a name of at least 20 letters', () => {
    for (const seller of sellers) expect(seller.name.length).toBeGreaterThanOrEqual(20);
  });
});
`,
);

const cli = (...args: string[]) => {
  const result = spawnSync(process.execPath, [join(harness, 'cli/bin.mjs'), ...args], {
    cwd: site,
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
};

describe("a site's own scenarios, sellers and classes", () => {
  it('run --list shows the site suites beside the catalogue, named after its own sellers', () => {
    const { code, out, err } = cli('run', '--list', '--json', '--suite', 'own-routing', '--suite', 'routing');
    expect(err).toBe('');
    expect(code).toBe(0);
    const checks = JSON.parse(out) as { suite: string; name: string }[];
    expect(checks.filter((check) => check.suite === 'own-routing').map((check) => check.name)).toEqual([
      '[own-routing] a QR for each of our sellers > Tulip House (9001): lands on its own BIN',
      '[own-routing] a QR for each of our sellers > Peony Lane (9002): lands on its own BIN',
    ]);
    expect(checks.some((check) => check.suite === 'routing' && check.name.includes('Tulip House'))).toBe(
      true,
    );
    expect(checks.some((check) => check.name.includes('Eileen'))).toBe(false);
  }, 120_000);

  it("runs them on the stack, into the site's reports/, and their failure fails the run", () => {
    const { code, out } = cli('run', '--suite', 'own-routing', '--suite', 'own-rule', '--quiet');
    expect(code).toBe(1);
    const [runId] = readdirSync(join(site, 'reports')).filter((name) => name !== 'latest');
    const results = JSON.parse(readFileSync(join(site, 'reports', runId!, 'results.json'), 'utf8')) as {
      verdict: string;
      tests: { name: string; state: string; routing?: { receivedBin: string | null } }[];
    };
    expect(results.verdict).toBe('fail');
    const routed = results.tests.filter((test) => test.name.startsWith('[own-routing]'));
    expect(routed.map((test) => [test.state, test.routing?.receivedBin])).toEqual(
      ownSellers.map((seller) => ['passed', seller.bin]),
    );
    expect(results.tests.find((test) => test.name.startsWith('[own-rule]'))?.state).toBe('failed');
    expect(out).toMatch(/FAIL/);
  }, 240_000);
});
