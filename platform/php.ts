/**
 * PHP's built-in web server (`php -S`) as a managed child process. PHP_CLI_SERVER_WORKERS lets it
 * serve several requests at once (the stub calls back into simulators while a request is open);
 * the workers share the process group, so stopping the group ends them all.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ManagedProcess, runToCompletion } from './process.ts';
import { freePort } from './ports.ts';
import { waitForHttp } from './wait.ts';
import { running, type Running } from './lifecycle.ts';

export interface StartPhpServerOptions {
  documentRoot: string;
  /** Router script: every request goes through it (return false from it to serve the file as is). */
  router?: string;
  port?: number;
  workers?: number;
  iniOverrides?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
  /** Receives the server's stdout/stderr and PHP's error_log. */
  logFile: string;
  /**
   * The document root as PHP sees it when `wrap` changes the view of the file system (the
   * production layout's `/home/bitrix/www`); defaults to `documentRoot`.
   */
  visibleDocumentRoot?: string;
  /** Runs the server through a launcher (a mount namespace); must exec, so the pid stays the server's. */
  wrap?: (command: string, args: readonly string[], cwd: string) => { command: string; args: string[] };
}

export interface RunningPhpServer extends Running {
  url: string;
  port: number;
  process: ManagedProcess;
}

const missingMessage =
  'PHP 8.2 with curl is missing: run `npx kaspi-harness setup` or `apt-get install php-cli php-curl php-mysql php-mbstring`';
const requiredExtensions = ['curl', 'mysqli', 'mbstring'] as const;

let checkedPhp: Promise<void> | undefined;

/** Verifies once per process that `php` is ≥ 8.1 and has the extensions the stub needs. */
export function assertPhpAvailable(): Promise<void> {
  checkedPhp ??= (async () => {
    const probe = `echo PHP_VERSION_ID, ' ', implode(',', array_map(fn($e) => extension_loaded($e) ? 1 : 0, ['${requiredExtensions.join("','")}']));`;
    let output: string;
    try {
      output = await runToCompletion('php', ['-r', probe]);
    } catch {
      throw new Error(missingMessage);
    }
    const [version, flags] = output.trim().split(' ');
    if (Number(version) < 80100 || flags === undefined || flags.includes('0'))
      throw new Error(missingMessage);
  })();
  return checkedPhp.catch((error: unknown) => {
    checkedPhp = undefined;
    throw error;
  });
}

export async function startPhpServer(options: StartPhpServerOptions): Promise<RunningPhpServer> {
  await assertPhpAvailable();
  const port = options.port ?? (await freePort());
  const logFile = resolve(options.logFile);
  mkdirSync(dirname(logFile), { recursive: true });
  const ini: Record<string, string> = {
    // Errors go to the log, never into a response body a client parses.
    display_errors: '0',
    display_startup_errors: '0',
    html_errors: '0',
    log_errors: '1',
    error_reporting: String(32767), // E_ALL
    error_log: logFile,
    // Production PHP runs with OPcache; the CLI SAPI (php -S) has it off unless asked, so every
    // request compiled every file again (~1 CPU-ms per checkout). Timestamps are checked on every
    // request, so an edited file takes effect at once (a file younger than
    // opcache.file_update_protection, 2 s, is not cached at all).
    'opcache.enable_cli': '1',
    'opcache.revalidate_freq': '0',
    ...options.iniOverrides,
  };
  const visibleRoot = options.visibleDocumentRoot ?? resolve(options.documentRoot);
  const phpArgs = [
    ...Object.entries(ini).flatMap(([key, value]) => ['-d', `${key}=${value}`]),
    '-S',
    `127.0.0.1:${port}`,
    '-t',
    visibleRoot,
    ...(options.router ? [resolve(options.router)] : []),
  ];
  const { command, args } = options.wrap?.('php', phpArgs, visibleRoot) ?? { command: 'php', args: phpArgs };
  const server = new ManagedProcess({
    name: 'php',
    command,
    args,
    logFile,
    cwd: resolve(options.documentRoot),
    env: { ...(options.env ?? process.env), PHP_CLI_SERVER_WORKERS: String(options.workers ?? 4) },
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    // Any HTTP answer (even a 404) means the server is accepting requests.
    await waitForHttp(
      `${url}/`,
      { service: 'php', timeoutMs: 60_000, abort: server.unexpectedExit() },
      () => true,
    );
  } catch (error) {
    await server.stop();
    throw error;
  }
  return running<RunningPhpServer>({ url, port, process: server }, () => server.stop());
}
