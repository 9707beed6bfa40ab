/** kaspi-harness.config.*: found or named, loaded from anywhere, checked key by key. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from './command.ts';
import { loadConfig } from './config.ts';
import { closest } from './suggest.ts';

const temp = mkdtempSync(join(tmpdir(), 'kaspi-harness-config-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

let count = 0;
/** A fresh directory holding one config file. */
function site(name: string, body: string, packageJson?: object): string {
  const dir = join(temp, `site-${++count}`);
  mkdirSync(dir);
  writeFileSync(join(dir, name), body);
  if (packageJson) writeFileSync(join(dir, 'package.json'), JSON.stringify(packageJson));
  return dir;
}

async function refusal(dir: string, explicit?: string): Promise<string> {
  const error = await loadConfig(dir, explicit).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(UsageError);
  return (error as Error).message;
}

describe('the config file', () => {
  it('is optional: no file means no settings', async () => {
    expect(await loadConfig(join(temp))).toEqual({});
  });

  it.each([
    ['kaspi-harness.config.ts', 'export default { seed: 7 } satisfies object;', undefined],
    ['kaspi-harness.config.ts', 'export default { seed: 7 };', { type: 'commonjs' }],
    ['kaspi-harness.config.mts', 'export default { seed: 7 };', undefined],
    ['kaspi-harness.config.mjs', 'export default { seed: 7 };', undefined],
    ['kaspi-harness.config.js', 'module.exports = { seed: 7 };', { type: 'commonjs' }],
    ['kaspi-harness.config.js', 'export default { seed: 7 };', { type: 'module' }],
  ])('%s loads from a directory outside the harness (package %j)', async (name, body, pkg) => {
    expect(await loadConfig(site(name, body, pkg))).toEqual({ seed: 7 });
  });

  it('is named with --config from any directory, and its relative paths are relative to it', async () => {
    const dir = site(
      'ci.config.ts',
      `export default { phpClasses: 'local/classes', reportsDir: '../out', paymentServiceContract: 'openapi.json', stackFile: '/abs/stack.json' };`,
    );
    const config = await loadConfig(temp, join(dir, 'ci.config.ts'));
    expect(config).toEqual({
      phpClasses: join(dir, 'local/classes'),
      reportsDir: join(dir, '../out'),
      paymentServiceContract: join(dir, 'openapi.json'),
      stackFile: '/abs/stack.json',
    });
    const named = await loadConfig(
      site('kaspi-harness.config.ts', `export default { paymentServiceContract: 'deployed' };`),
    );
    expect(named.paymentServiceContract).toBe('deployed');
  });

  it('refuses an unknown key by name with the nearest valid one', async () => {
    const message = await refusal(site('kaspi-harness.config.ts', 'export default { sede: 3 };'));
    expect(message).toMatch(/unknown key "sede" — did you mean "seed"\?/);
    const far = await refusal(site('kaspi-harness.config.ts', 'export default { colour: 3 };'));
    expect(far).toMatch(/unknown key "colour"$/);
  });

  it('refuses a wrong type naming the key, what it expects and what it got', async () => {
    const message = await refusal(
      site(
        'kaspi-harness.config.ts',
        `export default { seed: 'x', stack: 'dokker', sellers: [1, -2], suites: 'routing', acceptedFindings: { k: ' ' } };`,
      ),
    );
    expect(message).toContain('seed must be a number, got "x" (a string)');
    expect(message).toContain(
      'stack must be one of "auto", "native", "docker", "external", got "dokker" (a string) — did you mean "docker"?',
    );
    expect(message).toContain('sellers.1 must be a positive shop id, got -2 (a number)');
    expect(message).toContain('suites must be a list, got "routing" (a string)');
    expect(message).toContain('acceptedFindings.k must be a written reason');
  });

  it('explains a file that does not load or does not export settings', async () => {
    expect(await refusal(temp, 'missing.config.ts')).toBe('--config missing.config.ts: no such file');
    expect(await refusal(site('kaspi-harness.config.ts', 'export default {'))).toMatch(/did not load: /);
    expect(await refusal(site('kaspi-harness.config.ts', 'export const seed = 1;'))).toMatch(
      /must `export default defineConfig\(\{ … \}\)`/,
    );
  });
});

describe('did you mean', () => {
  it.each([
    ['sede', ['seed', 'sellers'], 'seed'],
    ['phase', ['phase6', 'run'], 'phase6'],
    ['rnu', ['run', 'up'], 'run'],
    ['--sellr', ['--seller', '--seed'], '--seller'],
    ['xyz', ['run', 'phase6'], undefined],
  ])('%s → %s', (word, candidates, expected) => {
    expect(closest(word, candidates)).toBe(expected);
  });
});
