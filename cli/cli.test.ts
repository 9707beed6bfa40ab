/** The CLI as a user meets it: help for every command, and one clear line for every mistake. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useParts } from '../platform/testing.ts';
import { assemble } from '../platform/lifecycle.ts';
import { scratchDir } from '../platform/run-dir.ts';
import { commands } from './commands/index.ts';
import { runCli, writePassingEmptyRun } from './test-support.ts';

const cli = (...args: string[]) => runCli(args);
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
    const run = writePassingEmptyRun(join(parts.temp.path, 'reports'), 'run-1');
    const { code, out } = cli('report', 'run-1', '--reports-dir', join(parts.temp.path, 'reports'));
    expect(code).toBe(0);
    expect(out).toContain(join(run, 'report.html'));
  });
});
