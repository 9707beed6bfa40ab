/** The CLI as a user meets it: help for every command, and one clear line for every mistake. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useParts } from '../platform/testing.ts';
import { assemble } from '../platform/lifecycle.ts';
import { scratchDir } from '../platform/run-dir.ts';
import { commands } from './commands/index.ts';

const repoRoot = join(import.meta.dirname, '..');
const cli = (...args: string[]) => {
  const result = spawnSync(process.execPath, ['cli/bin.mjs', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
};
const parts = useParts(assemble().with('temp', () => scratchDir('kaspi-harness-cli-')));

describe('kaspi-harness CLI', () => {
  it('--help lists every command, and each command documents its options', async () => {
    const { code, out } = cli('--help');
    expect(code).toBe(0);
    for (const entry of commands) {
      expect(out).toContain(`${entry.name}  `);
      expect((await entry.load()).help).toMatch(new RegExp(`^Usage: kaspi-harness ${entry.name}`));
    }
    const runHelp = cli('run', '--help');
    expect(runHelp.out).toContain('--php-classes DIR');
    expect(runHelp.out).toContain('--seller ID');
  });

  it.each([
    [['nonsense'], /unknown command "nonsense"/],
    [['phase6', '--bogus'], /Unknown option '--bogus' \(see kaspi-harness phase6 --help\)/],
    [
      ['run', '--suite', 'routng'],
      /--suite routng: no such suite — did you mean "routing"\? \(suites: cache, contract, .*routing/,
    ],
    [['run', '--php-classes', '/no/such/dir'], /--php-classes \/no\/such\/dir: no such directory/],
    [['run', '--seed', 'abc'], /--seed must be an integer, got "abc"/],
    [['run', '--stack', 'cloud'], /--stack must be one of auto, native, docker, external/],
    [['sim'], /sim needs a target: kaspi or payment-service/],
    [
      ['sim', 'payment-service', '--allow-dir', '/no/such/dir'],
      /--allow-dir \/no\/such\/dir: no such directory/,
    ],
    [['sim', 'kaspi', '--allow-dir', '.'], /--allow-dir is for sim payment-service/],
    [['up', '--allow-dir', '/no/such/dir'], /--allow-dir \/no\/such\/dir: no such directory/],
    [
      ['up', '--stack', 'docker', '--allow-dir', '.'],
      /--allow-dir: the docker stack's payment-service runs in a container/,
    ],
  ])('%j answers with one line and exit code 2', (args, message) => {
    const { code, err } = cli(...args);
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(err.split('\n')[0]).toMatch(message);
    expect(err).not.toMatch(/\n\s+at /);
  });

  it("report re-renders report.html from a run's results.json and exits by its verdict", () => {
    const run = join(parts.temp.path, 'reports', 'run-1');
    mkdirSync(run, { recursive: true });
    writeFileSync(
      join(run, 'results.json'),
      JSON.stringify({
        schemaVersion: 1,
        runId: 'run-1',
        startedAt: '2026-01-01T00:00:00Z',
        finishedAt: '2026-01-01T00:00:01Z',
        seed: 1,
        verdict: 'pass',
        totals: {
          tests: 0,
          passed: 0,
          failed: 0,
          skipped: 0,
          correct: 0,
          diverted: 0,
          astray: 0,
          'not-paid': 0,
        },
        tests: [],
      }),
    );
    const { code, out } = cli('report', 'run-1', '--reports-dir', join(parts.temp.path, 'reports'));
    expect(code).toBe(0);
    expect(out).toContain(join(run, 'report.html'));
  });
});
