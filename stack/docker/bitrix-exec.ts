/**
 * The docker stack's bitrix container as the runbook checks use the native stub
 * (simulator/bitrix/runbook.ts): a command runs inside it through `docker exec` and
 * `bitrix-entrypoint run`, which gives it the site's PHP settings and proxy variables, in
 * /home/bitrix/www; files are read and written through the host's view of its home (a bind mount).
 */
import { clearBitrixCache } from '../../simulator/bitrix/cache.ts';
import type { RunbookStub } from '../../simulator/bitrix/runbook.ts';
import type { PhpCliResult } from '../../simulator/bitrix/php-runtime.ts';
import { runCollecting } from '../../platform/process.ts';

const visibleDocumentRoot = '/home/bitrix/www';

export interface BitrixExecOptions {
  container: string;
  /** Host path of /home/bitrix/www. */
  documentRoot: string;
  database: RunbookStub['database'];
}

function dockerExec(
  container: string,
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string },
): Promise<PhpCliResult> {
  const env = options.env ?? {};
  // `-e NAME` without a value: docker passes the value from its own environment, so a password
  // never appears on a command line.
  const names = Object.keys(env).flatMap((name) => ['-e', name]);
  const argv = [
    'exec',
    '-i',
    '-w',
    options.cwd ?? visibleDocumentRoot,
    ...names,
    container,
    '/usr/local/bin/bitrix-entrypoint',
    'run',
    command,
    ...args,
  ];
  return runCollecting('docker', argv, { env: { ...process.env, ...env }, input: options.input });
}

export function bitrixExec(options: BitrixExecOptions): RunbookStub {
  const runCommand: RunbookStub['runCommand'] = (command, args, runOptions = {}) =>
    dockerExec(options.container, command, args, runOptions);
  return {
    runCommand,
    // As natively (simulator/bitrix/server.ts): a CLI PHP knows the site's document root.
    runCli: (args, runOptions = {}) =>
      runCommand('php', args, {
        ...runOptions,
        env: { DOCUMENT_ROOT: visibleDocumentRoot, ...runOptions.env },
      }),
    database: options.database,
    documentRoot: options.documentRoot,
    clearCache: () => clearBitrixCache(options.documentRoot),
    // docker-compose.yml: the real /home/bitrix/www, and no network but the relays.
    layout: { kind: 'namespace', network: 'namespace' },
  };
}
