/**
 * How the stub's PHP runs, for the web server and for CLI runs alike (the deployment guide's
 * `php -r` smoke test, cron-style scripts, tests): the environment that sends every outbound
 * connection to the harness's egress proxy, the ini settings that make PHP trust the harness CA,
 * and the production layout wrapper.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { ProductionLayout } from '../../platform/namespace.ts';
import { runCollecting, type CommandResult } from '../../platform/process.ts';

/** Nothing listens on port 9: without an egress proxy, outbound calls fail fast instead of leaving. */
const deadProxy = 'http://127.0.0.1:9';

/**
 * The PHP environment. https:// (libcurl, HTTPS_PROXY) goes to the egress proxy as SOCKS5 with names
 * resolved by the proxy (`socks5h://`, the same port, see platform/egress/socks.ts): through an HTTP
 * CONNECT proxy curl would put the proxy's "200 Connection established" block in front of Kaspi's
 * headers under CURLOPT_HEADER, which the production server, calling Kaspi directly, never sees.
 * http:// stays on the HTTP proxy (lowercase http_proxy: libcurl ignores the uppercase one,
 * httpoxy); an absolute-URI request adds no header block. NO_PROXY only for the loopback names the
 * harness itself uses.
 */
export function bitrixPhpEnv(
  base: NodeJS.ProcessEnv = process.env,
  egressProxyUrl?: string,
): NodeJS.ProcessEnv {
  const proxy = egressProxyUrl ?? deadProxy;
  const socks = `socks5h://${new URL(proxy).host}`;
  const env: NodeJS.ProcessEnv = { ...base };
  for (const name of ['ALL_PROXY', 'all_proxy']) delete env[name];
  return {
    ...env,
    HTTP_PROXY: proxy,
    HTTPS_PROXY: socks,
    http_proxy: proxy,
    https_proxy: socks,
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
  };
}

/**
 * PHP's http:// and https:// stream wrappers (file_get_contents, fopen) ignore HTTPS_PROXY: a
 * prepended file makes the egress proxy their default too, so they cannot go direct either. They
 * speak HTTP to it (CONNECT for https://), which is fine: a stream wrapper never shows the proxy's
 * answer in what it returns.
 * Not covered here: raw sockets (fsockopen, stream_socket_client) and `php -r` code, to which PHP
 * does not apply auto_prepend_file. PHP's network namespace (platform/netns) closes those where it
 * exists: nothing but the relayed loopback ports is reachable from inside.
 */
export async function writeEgressPrepend(dir: string, egressProxyUrl?: string): Promise<string> {
  const proxy = new URL(egressProxyUrl ?? deadProxy);
  const file = join(dir, 'egress-prepend.php');
  await mkdir(dir, { recursive: true });
  await writeFile(
    file,
    [
      '<?php',
      '// Written by the kaspi-harness: PHP stream wrappers ignore HTTPS_PROXY; send them through the egress proxy.',
      `stream_context_set_default(['http' => ['proxy' => 'tcp://${proxy.hostname}:${proxy.port}', 'request_fulluri' => true]]);`,
      '',
    ].join('\n'),
  );
  return file;
}

/** PHP trusts the harness CA only (a real bank's certificate would not even verify); stream wrappers use the proxy. */
export function bitrixPhpIni(
  caCertFile?: string,
  prependFile?: string,
  databaseSocket?: string,
): Record<string, string> {
  return {
    ...(caCertFile ? { 'curl.cainfo': caCertFile, 'openssl.cafile': caCertFile } : {}),
    ...(prependFile ? { auto_prepend_file: prependFile } : {}),
    // dbconn.php's `localhost` (layout.ts dbconnPhp with viaSocket) connects here.
    ...(databaseSocket ? { 'mysqli.default_socket': databaseSocket } : {}),
  };
}

export type PhpCliResult = CommandResult;

export interface PhpCliRunner {
  /** Runs `php <args>` as the site's PHP would (env, ini, layout), in `cwd` as PHP sees it. */
  (
    args: readonly string[],
    options?: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string },
  ): Promise<PhpCliResult>;
}

export interface LayoutRunner {
  /** Runs any command as the site's processes run (env, layout), e.g. `bash -c` for a pasted runbook snippet. */
  (
    command: string,
    args: readonly string[],
    options?: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string },
  ): Promise<PhpCliResult>;
}

/**
 * The ini settings as a scan-dir file, so a `php` a user types (the runbook's `php -r "..."`) gets
 * them too through PHP_INI_SCAN_DIR (a leading ':' keeps the system's own conf.d).
 */
export async function writeHarnessIni(dir: string, ini: Record<string, string>): Promise<NodeJS.ProcessEnv> {
  await mkdir(dir, { recursive: true });
  const lines = Object.entries(ini).map(([key, value]) => `${key} = "${value.replace(/"/g, '')}"`);
  await writeFile(
    join(dir, '99-kaspi-harness.ini'),
    `; written by the kaspi-harness for this run\n${lines.join('\n')}\n`,
  );
  return { PHP_INI_SCAN_DIR: `${delimiter}${dir}` };
}

export function layoutRunner(settings: {
  env: NodeJS.ProcessEnv;
  layout: ProductionLayout;
  defaultCwd: string;
}): LayoutRunner {
  return (command, commandArgs, options = {}) => {
    const cwd = options.cwd ?? settings.defaultCwd;
    const { command: program, args: argv } = settings.layout.wrap(command, commandArgs, cwd);
    return runCollecting(program, argv, {
      env: { ...settings.env, ...options.env },
      // In a namespace the wrapper changes directory itself; the host path is the relocatable one.
      cwd: settings.layout.kind === 'namespace' ? '/' : cwd,
      input: options.input,
    });
  };
}

export function phpCliRunner(settings: {
  env: NodeJS.ProcessEnv;
  ini: Record<string, string>;
  layout: ProductionLayout;
  defaultCwd: string;
}): PhpCliRunner {
  const run = layoutRunner(settings);
  return (args, options) =>
    run('php', [...Object.entries(settings.ini).flatMap(([k, v]) => ['-d', `${k}=${v}`]), ...args], options);
}
