/**
 * The conventions people expect of a command line, checked on the spawned CLI as they meet it:
 * --version, "did you mean" for a typo, NO_COLOR / FORCE_COLOR, and one line naming the URL when
 * something it calls does not answer.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../platform/ports.ts';
import { cliBin, fileTempDir, repoRoot, runCli, writePassingEmptyRun } from './test-support.ts';

const temp = fileTempDir('kaspi-harness-conventions-');

/** The environment without anything that would decide colour for the CLI. */
function plainEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { NO_COLOR: _no, FORCE_COLOR: _force, TERM: _term, ...env } = process.env;
  return { ...env, TERM: 'xterm-256color', ...extra };
}

const cli = (args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
  runCli(args, { cwd: options.cwd, env: options.env ?? plainEnv() });

/** The CLI on a pseudo-terminal (util-linux `script`), as a person at a terminal runs it. */
const onTerminal = (args: string[], env: NodeJS.ProcessEnv) => {
  const quoted = [process.execPath, cliBin, ...args].map((part) => `'${part.replace(/'/g, `'\\''`)}'`);
  const result = spawnSync('script', ['-qec', quoted.join(' '), '/dev/null'], {
    cwd: repoRoot,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, out: result.stdout };
};

describe('--version', () => {
  it("prints the package's version, read beside the CLI's own file whatever the working directory", () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      version: string;
    };
    // A site's own package.json in the working directory must not be what is read.
    const site = join(temp, 'site');
    mkdirSync(site);
    writeFileSync(join(site, 'package.json'), JSON.stringify({ name: 'flower-site', version: '9.9.9' }));
    for (const flag of ['--version', '-v', 'version']) {
      const { code, out } = cli([flag], { cwd: site });
      expect(code).toBe(0);
      expect(out).toBe(`${version}\n`);
    }
  });
});

describe('did you mean', () => {
  it('an unknown command is one line naming the nearest command, without the whole help', () => {
    const { code, out, err } = cli(['rn']);
    expect(code).toBe(2);
    expect(err).toBe('kaspi-harness: unknown command "rn" — did you mean "run"?\n');
    expect(out).toBe('');
    expect(cli(['verfiy']).err).toContain('did you mean "verify"?');
    expect(cli(['stauts']).err).toContain('did you mean "status"?');
  });

  it('a command far from every command says where the list is instead', () => {
    const { code, err } = cli(['xyzzy']);
    expect(code).toBe(2);
    expect(err).toBe('kaspi-harness: unknown command "xyzzy" (kaspi-harness --help lists the commands)\n');
  });

  it.each([
    [['run', '--sede', '3'], 'run', '--sede', '--seed'],
    [['up', '--jsno'], 'up', '--jsno', '--json'],
    [['report', '--mrege'], 'report', '--mrege', '--merge'],
    [['status', '--jsno'], 'status', '--jsno', '--json'],
    [['logs', '--servce', 'postgres'], 'logs', '--servce', '--service'],
    [['chaos', 'kaspi', 'list', '--contrl-url', 'x'], 'chaos', '--contrl-url', '--control-url'],
  ])('%j: an unknown option suggests the nearest option of that command', (args, command, typo, meant) => {
    const { code, err } = cli(args);
    expect(code).toBe(2);
    expect(err).toBe(
      `kaspi-harness ${command}: Unknown option '${typo}' — did you mean "${meant}"? (see kaspi-harness ${command} --help)\n`,
    );
  });

  it('an option like no option of the command gets no suggestion', () => {
    expect(cli(['verify', '--frobnicate']).err).toBe(
      "kaspi-harness verify: Unknown option '--frobnicate' (see kaspi-harness verify --help)\n",
    );
  });
});

describe('colour', () => {
  const reports = join(temp, 'reports');
  writePassingEmptyRun(reports, 'run-1');
  const report = ['report', 'run-1', '--reports-dir', reports];
  const escape = '\u001b';

  it('a terminal gets the coloured verdict; with NO_COLOR=1 no escape code at all', () => {
    const coloured = onTerminal(report, plainEnv());
    expect(coloured.code).toBe(0);
    expect(coloured.out).toContain(`${escape}[32mPASS`);
    const plain = onTerminal(report, plainEnv({ NO_COLOR: '1' }));
    expect(plain.code).toBe(0);
    expect(plain.out).toContain('PASS');
    expect(plain.out).not.toContain(escape);
  });

  it('NO_COLOR wins over FORCE_COLOR; FORCE_COLOR colours a pipe, which is plain otherwise', () => {
    expect(onTerminal(report, plainEnv({ NO_COLOR: '1', FORCE_COLOR: '1' })).out).not.toContain(escape);
    expect(cli(report, { env: plainEnv({ FORCE_COLOR: '1' }) }).out).toContain(`${escape}[32mPASS`);
    expect(cli(report).out).not.toContain(escape);
  });
});

describe('a URL that does not answer', () => {
  it('chaos names the control API, why, and what to do, in one line', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const { code, out, err } = cli(['chaos', 'kaspi', 'installed', '--control-url', url]);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toBe(
      `kaspi-harness chaos: cannot reach the Kaspi simulator's control API at ${url} (connection refused): is the simulator running there? \`kaspi-harness status\` shows what \`kaspi-harness up\` keeps running\n`,
    );
  });

  it('verify says the payment-service does not answer, instead of failing every check', async () => {
    const url = `http://127.0.0.1:${await freePort()}/api`;
    const { code, out, err } = cli(['verify', '--payment-service-url', url, '--reports-dir', temp]);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^kaspi-harness verify: cannot reach the payment-service at ${url} \\(connection refused\\): check --payment-service-url`,
        ),
      ),
    ]);
  });

  it('parity names the reference Kaspi it could not reach', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const { code, err } = cli(['parity', '--kaspi-url', url, '--snapshot-dir', join(temp, 'snapshots')]);
    expect(code).toBe(1);
    expect(err).toBe(
      `kaspi-harness parity: cannot reach the reference Kaspi of --kaspi-url at ${url} (connection refused): check the URL (e.g. https://mtokentest.kaspi.kz:8545) and that this machine may reach it\n`,
    );
  });

  it('a host name that does not resolve is named as such', () => {
    const { code, err } = cli(['verify', '--payment-service-url', 'https://payment-service.invalid']);
    expect(code).toBe(1);
    expect(err).toContain('at https://payment-service.invalid (host name not found)');
  });

  it('sim names the PostgreSQL of --database-url without its password', async () => {
    const port = await freePort();
    const { code, err } = cli([
      'sim',
      'payment-service',
      '--database-url',
      `postgres://qa:s3cret@127.0.0.1:${port}/db`,
    ]);
    expect(code).toBe(1);
    expect(err).toBe(
      `kaspi-harness sim: cannot reach the PostgreSQL of --database-url at postgres://qa@127.0.0.1:${port}/db (connection refused): is it running, and is the URL right? (without --database-url a private one is started)\n`,
    );
  });

  it('sim names the Kaspi of --kaspi-url it could not reach', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const { code, err } = cli(['sim', 'payment-service', '--kaspi-url', url]);
    expect(code).toBe(1);
    expect(err).toMatch(
      new RegExp(
        `^kaspi-harness sim: cannot reach the Kaspi of --kaspi-url at ${url} \\(connection refused\\): give the plain-HTTP "Kaspi API" URL`,
      ),
    );
  });
});

describe('report --open without a desktop', () => {
  it('says in one line that no browser opener is installed, and where the report is', () => {
    const noTools = join(temp, 'no-tools');
    mkdirSync(noTools);
    const { code, out, err } = cli(['report', 'run-1', '--reports-dir', join(temp, 'reports'), '--open'], {
      env: plainEnv({ PATH: noTools }),
    });
    expect(code).toBe(0);
    expect(out).toContain('PASS');
    expect(err).toBe(
      `kaspi-harness report: cannot open a browser (xdg-open: ENOENT): open ${join(temp, 'reports', 'run-1', 'report.html')} yourself\n`,
    );
  });
});
