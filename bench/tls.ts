/**
 * `npm run bench:tls`: what one HTTPS call from the integration costs, on each side. PHP's curl is
 * the client, with a new handle on every call (and the partner's client certificate where the server
 * asks for one), as the team's ApiClient does; the servers answer a fixed JSON body:
 *  - node https: a Node HTTPS listener with the simulators' TLS options, asking for the client
 *    certificate as Kaspi's r2/r3 do, or not, as the payment-service;
 *  - node http: the same listener without TLS (what TLS adds, by difference);
 *  - openssl s_server (mTLS): OpenSSL's own server, C, the same library generation as PHP's.
 * CPU time is read from /proc for the server and from getrusage inside PHP, after a warm-up, in
 * alternated rounds (this VM's speed drifts). Loopback only; the certificates are made for the run
 * and deleted after it.
 *
 *   npx tsx bench/tls.ts [--calls 1000] [--rounds 2]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  createRunAuthorities,
  issueClientCertificate,
  issueServerCertificate,
  writePemFiles,
} from '../platform/tls/ca.ts';
import { processCpuMs } from './stack/cpu.ts';
import { assertPhpAvailable } from '../platform/php.ts';
import { freePort } from '../platform/ports.ts';
import { runCollecting, runToCompletion } from '../platform/process.ts';
import { waitForPort } from '../platform/wait.ts';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '2' },
  },
});
const calls = Math.min(20_000, Math.max(50, Number(values.calls)));
const rounds = Math.min(10, Math.max(1, Number(values.rounds)));
const warmUpCalls = 50;
const body = '{"ok":true}';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

type NodeMode = 'mtls' | 'tls' | 'http';

interface Target {
  name: string;
  scheme: 'https' | 'http';
  /** Whether PHP's curl presents the partner's client certificate (Kaspi r2/r3 do ask for it). */
  clientCertificate: boolean;
  start(port: number, dir: string): ChildProcess;
}

const nodeTarget = (name: string, mode: NodeMode): Target => ({
  name,
  scheme: mode === 'http' ? 'http' : 'https',
  clientCertificate: mode === 'mtls',
  start: (port, dir) =>
    spawn(process.execPath, ['--import', 'tsx', here('tls/node-server.ts'), mode, String(port), dir, body], {
      stdio: 'ignore',
    }),
});

const targets: readonly Target[] = [
  nodeTarget('node https, mutual TLS (Kaspi r2/r3)', 'mtls'),
  nodeTarget('node https, server TLS (payment-service)', 'tls'),
  nodeTarget('node http, no TLS', 'http'),
  {
    name: 'openssl s_server, mutual TLS',
    scheme: 'https',
    clientCertificate: true,
    start: (port, dir) =>
      spawn(
        'openssl',
        // -WWW serves files from its working directory; -Verify 1 requires a client certificate.
        [
          's_server',
          '-quiet',
          '-accept',
          `127.0.0.1:${port}`,
          '-cert',
          'server.crt',
          '-key',
          'server.key',
          '-CAfile',
          'partner-ca.pem',
          '-Verify',
          '1',
          '-no_ticket',
          '-WWW',
        ],
        { cwd: dir, stdio: 'ignore' },
      ),
  },
];

/** The server's CPU so far; it must still be running (a crash would make the figures meaningless). */
function cpuMsOf(child: ChildProcess, name: string): number {
  const cpuMs = child.pid === undefined ? undefined : processCpuMs(child.pid);
  if (cpuMs === undefined || child.exitCode !== null) throw new Error(`${name} is not running`);
  return cpuMs;
}

async function phpCalls(
  target: Target,
  url: string,
  count: number,
  dir: string,
): Promise<{ cpuMs: number; wallMs: number }> {
  const certificate = target.clientCertificate ? 'client-certificate' : 'none';
  const args = [here('tls/client.php'), url, String(count), dir, certificate, body];
  // stdout alone: runToCompletion joins stderr to it, and a PHP notice there would break the JSON.
  const { code, stdout, stderr } = await runCollecting('php', args);
  if (code !== 0) throw new Error(`the PHP client failed against ${target.name}: ${stderr.trim()}`);
  return JSON.parse(stdout) as { cpuMs: number; wallMs: number };
}

// A missing tool is one line with its fix, not a stack trace.
try {
  await assertPhpAvailable();
  await runToCompletion('openssl', ['version']).catch(() => {
    throw new Error('the openssl command is missing: run `apt-get install openssl`');
  });
} catch (error) {
  console.error(`bench:tls: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
const dir = await mkdtemp(join(tmpdir(), 'kaspi-harness-bench-tls-'));
const results = new Map<string, { server: number[]; php: number[]; wall: number[] }>();
try {
  const authorities = await createRunAuthorities();
  const server = await issueServerCertificate(authorities.server, ['127.0.0.1']);
  const client = await issueClientCertificate(authorities.partner, 'bench partner');
  await writePemFiles(dir, {
    'ca.pem': authorities.server.certPem,
    'partner-ca.pem': authorities.partner.certPem,
    'server.crt': server.certPem,
    'server.key': server.keyPem,
    'client.crt': client.certPem,
    'client.key': client.keyPem,
  });
  // What `openssl s_server -WWW` answers to GET /ok: the file of that name in its directory.
  writeFileSync(join(dir, 'ok'), body);

  for (let round = 1; round <= rounds; round += 1) {
    for (const target of targets) {
      const port = await freePort();
      const child = target.start(port, dir);
      try {
        await waitForPort(port, { service: target.name, timeoutMs: 15_000 });
        const url = `${target.scheme}://127.0.0.1:${port}/ok`;
        await phpCalls(target, url, warmUpCalls, dir);
        const before = cpuMsOf(child, target.name);
        const measured = await phpCalls(target, url, calls, dir);
        const serverMs = cpuMsOf(child, target.name) - before;
        const row = results.get(target.name) ?? { server: [], php: [], wall: [] };
        row.server.push(serverMs / calls);
        row.php.push(measured.cpuMs / calls);
        row.wall.push(measured.wallMs / calls);
        results.set(target.name, row);
      } finally {
        child.kill();
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const range = (figures: number[]) => {
  const low = Math.min(...figures).toFixed(2);
  const high = Math.max(...figures).toFixed(2);
  return low === high ? low : `${low}–${high}`;
};
const width = Math.max(...targets.map((target) => target.name.length));
console.log(
  `\nbench:tls: ${calls} calls from PHP's curl per round, ${rounds} round(s), a new handle per call`,
);
console.log(`  ${'server'.padEnd(width)}  server CPU-ms/call  PHP CPU-ms/call  wall ms/call`);
for (const [name, row] of results)
  console.log(
    `  ${name.padEnd(width)}  ${range(row.server).padStart(18)}  ${range(row.php).padStart(15)}  ${range(row.wall).padStart(12)}`,
  );
