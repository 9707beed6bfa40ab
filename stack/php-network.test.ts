/**
 * PHP's private network namespace, with real PHP in a real namespace: raw sockets (fsockopen,
 * stream_socket_client, curl with the proxy switched off) cannot reach a public address, a name, or a
 * host loopback port the harness does not relay; the attempt joins the egress proxy's record with the
 * PHP file and line; what is relayed (MariaDB, the egress proxy, the site itself) still works; and
 * stopping the stub leaves no process behind. The targets are documentation addresses (TEST-NET-3)
 * and the reserved .invalid name, so even a broken namespace could not reach anyone real.
 */
import { existsSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useParts } from '../platform/testing.ts';
import { assemble } from '../platform/lifecycle.ts';
import { listening } from '../platform/listening.ts';
import { scratchDir } from '../platform/run-dir.ts';
import { startBitrix } from '../simulator/bitrix/server.ts';
import { startEgressProxy } from '../platform/egress/proxy.ts';
import { startMariadb } from '../platform/mariadb.ts';
import { parseSocketWarning } from '../platform/netns/php-warnings.ts';

describe('PHP socket warnings', () => {
  it('reads host, port and code path from the log and CLI forms', () => {
    expect(
      parseSocketWarning(
        '[26-Nov-2026 10:03:12 UTC] PHP Warning:  fsockopen(): Unable to connect to 203.0.113.7:443 (Network is unreachable) in /home/bitrix/www/x.php on line 3',
      ),
    ).toEqual({ host: '203.0.113.7', port: 443, method: 'socket', codePath: '/home/bitrix/www/x.php:3' });
    expect(
      parseSocketWarning(
        'Warning: stream_socket_client(): Unable to connect to ssl://[2001:db8::1]:8443 (Network is unreachable) in Command line code on line 1',
      ),
    ).toEqual({ host: '2001:db8::1', port: 8443, method: 'socket', codePath: 'Command line code:1' });
    expect(
      parseSocketWarning(
        'PHP Warning:  fsockopen(): Unable to connect to bank.invalid:80 (php_network_getaddresses: getaddrinfo for bank.invalid failed: Temporary failure in name resolution) in /home/bitrix/www/a b.php on line 12',
      ),
    ).toMatchObject({ host: 'bank.invalid', port: 80, codePath: '/home/bitrix/www/a b.php:12' });
    expect(
      parseSocketWarning(
        'PHP Warning:  fsockopen(): php_network_getaddresses: getaddrinfo for bank.invalid failed: Temporary failure in name resolution in /x.php on line 2',
      ),
    ).toBeUndefined();
    expect(parseSocketWarning('[Thu Nov 26 10:03:12 2026] 127.0.0.1:50412 Accepted')).toBeUndefined();
  });
});

let bystanderConnections = 0;

const parts = useParts(
  assemble()
    .with('dir', () => scratchDir('kh-netns-'))
    // A service on the HOST's loopback that the harness does not relay: PHP must never reach it.
    .with('bystander', () =>
      listening(
        createServer((socket) => {
          bystanderConnections += 1;
          socket.end('leak\n');
        }),
      ),
    )
    .withAll({
      mariadb: ({ dir }) => startMariadb({ runDir: dir.path }),
      egress: () => startEgressProxy(),
    })
    .with('stub', async ({ dir, mariadb, egress }) => {
      const stub = await startBitrix({
        runDir: dir.path,
        mariadb,
        seed: 3,
        egressProxy: egress,
        productionLayout: 'namespace',
        network: 'namespace',
      });
      egress.setClientDescriber(stub.describeEgressClient);
      return stub;
    }),
  90_000,
);

beforeAll(() => {
  // Each line is one attempt; the test reads the PHP line numbers from here.
  writeFileSync(
    join(parts.stub.documentRoot, 'raw.php'),
    [
      '<?php',
      "$out = []; $t = fn() => (int) round((hrtime(true) - $GLOBALS['s']) / 1e6);",
      `$s = hrtime(true); $f = fsockopen('203.0.113.7', 443, $no, $err, 5); $out['fsockopen ip'] = [$f !== false, $err, $t()];`,
      `$s = hrtime(true); $f = stream_socket_client('tcp://203.0.113.7:443', $no, $err, 5); $out['stream ip'] = [$f !== false, $err, $t()];`,
      `$s = hrtime(true); $f = fsockopen('pay.real-bank.invalid', 443, $no, $err, 5); $out['fsockopen name'] = [$f !== false, $err, $t()];`,
      `$s = hrtime(true); $f = fsockopen('127.0.0.1', ${parts.bystander.port}, $no, $err, 5); $out['fsockopen host loopback'] = [$f !== false, $err, $t()];`,
      `$s = hrtime(true); $f = stream_socket_client('tcp://127.0.0.1:${parts.bystander.port}', $no, $err, 5); $out['stream host loopback'] = [$f !== false, $err, $t()];`,
      'function direct($url, $opt, $val) { $c = curl_init($url); curl_setopt_array($c, [CURLOPT_RETURNTRANSFER => true, CURLOPT_CONNECTTIMEOUT => 5, $opt => $val]); $s = hrtime(true); $ok = curl_exec($c) !== false; return [$ok, curl_error($c), (int) round((hrtime(true) - $s) / 1e6)]; }',
      "$out['curl no proxy ip'] = direct('https://203.0.113.7/', CURLOPT_PROXY, '');",
      "$out['curl noproxy name'] = direct('https://pay.real-bank.invalid/', CURLOPT_NOPROXY, '*');",
      `$out['curl host loopback'] = direct('http://127.0.0.1:${parts.bystander.port}/', CURLOPT_NOPROXY, '*');`,
      'header("Content-Type: application/json"); echo json_encode($out);',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(parts.stub.documentRoot, 'relayed.php'),
    [
      '<?php',
      "require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/php_interface/dbconn.php';",
      '[$host, $port] = explode(":", $DBHost);',
      '$db = new mysqli($host, $DBLogin, $DBPassword, $DBName, (int) $port);',
      "$c = curl_init('https://unlisted.example/'); curl_setopt($c, CURLOPT_RETURNTRANSFER, true); curl_exec($c);",
      "echo json_encode(['db' => $db->query('SELECT 40 + 2')->fetch_row()[0], 'proxy' => curl_error($c)]);",
      '',
    ].join('\n'),
  );
});

beforeEach(() => {
  parts.egress.clearUnexpected();
  parts.egress.setScenario(undefined);
});

type Attempt = [connected: boolean, error: string, ms: number];

describe('raw sockets in the network namespace', () => {
  it('says so: PHP has a network of its own with nothing but loopback in it', async () => {
    expect(parts.stub.layout).toMatchObject({ kind: 'namespace', network: 'namespace' });
    const links = await parts.stub.runCommand('ip', ['-o', 'link']);
    expect(links.stdout.trim().split('\n')).toHaveLength(1);
    expect(links.stdout).toMatch(/^1: lo: <LOOPBACK,UP,LOWER_UP>/);
    const routes = await parts.stub.runCommand('ip', ['route', 'show', 'table', 'all']);
    expect(routes.stdout).not.toMatch(/default|via/);
  });

  it('cannot reach a public address, a name, or a host loopback port that is not relayed, and fails at once', async () => {
    parts.egress.setScenario('raw sockets');
    const response = await fetch(`${parts.stub.url}/raw.php`);
    expect(response.status).toBe(200);
    const out = (await response.json()) as Record<string, Attempt>;
    expect(Object.keys(out)).toHaveLength(8);
    for (const [what, [connected, , ms]] of Object.entries(out)) {
      expect({ what, connected }).toEqual({ what, connected: false });
      // No route, no resolver, nothing listening: nothing waits for a timeout (5 s).
      expect({ what, fast: ms < 1_000 }).toEqual({ what, fast: true });
    }
    expect(out['fsockopen ip']![1]).toBe('Network is unreachable');
    expect(out['stream ip']![1]).toBe('Network is unreachable');
    expect(out['fsockopen name']![1]).toMatch(/getaddrinfo for pay\.real-bank\.invalid failed/);
    expect(out['fsockopen host loopback']![1]).toBe('Connection refused');
    expect(out['stream host loopback']![1]).toBe('Connection refused');
    expect(out['curl no proxy ip']![1]).toMatch(/Failed to connect|Network is unreachable|Couldn't connect/i);
    expect(out['curl noproxy name']![1]).toMatch(/Could not resolve host/);
    expect(out['curl host loopback']![1]).toMatch(/Failed to connect|Couldn't connect|refused/i);
    // The strongest proof: the host's own listener on that port saw nothing.
    expect(bystanderConnections).toBe(0);
  });

  it('records the refused raw sockets as unexpected egress, with the PHP file and line', async () => {
    parts.egress.setScenario('raw sockets');
    const from = Date.now();
    await (await fetch(`${parts.stub.url}/raw.php`)).text();
    const to = Date.now();
    const events = parts.egress.unexpected({ scenario: 'raw sockets' });
    const shape = ({ host, port, method, codePath }: (typeof events)[number]) => ({
      host,
      port,
      method,
      codePath,
    });
    // Name lookups come from the namespace's resolver, with the request that asked (curl's too).
    // (fsockopen's and curl's: at least one line each, more if a resolver asks A and AAAA apart).
    const lookups = events.filter((event) => event.method === 'dns').map(shape);
    expect(lookups.length).toBeGreaterThanOrEqual(2);
    expect(new Set(lookups.map((lookup) => JSON.stringify(lookup)))).toEqual(
      new Set([
        JSON.stringify({
          host: 'pay.real-bank.invalid',
          port: 0,
          method: 'dns',
          codePath: 'php -S: GET /raw.php',
        }),
      ]),
    );
    expect(events.filter((event) => event.method === 'socket').map(shape)).toEqual([
      { host: '203.0.113.7', port: 443, method: 'socket', codePath: '/home/bitrix/www/raw.php:3' },
      { host: '203.0.113.7', port: 443, method: 'socket', codePath: '/home/bitrix/www/raw.php:4' },
      { host: 'pay.real-bank.invalid', port: 443, method: 'socket', codePath: '/home/bitrix/www/raw.php:5' },
      {
        host: '127.0.0.1',
        port: parts.bystander.port,
        method: 'socket',
        codePath: '/home/bitrix/www/raw.php:6',
      },
      {
        host: '127.0.0.1',
        port: parts.bystander.port,
        method: 'socket',
        codePath: '/home/bitrix/www/raw.php:7',
      },
    ]);
    // Stamped while the request ran: scenarios/support/routing.ts pins egress to the checkout that
    // caused it by this window (±5 ms).
    for (const event of events) {
      expect(Date.parse(event.time)).toBeGreaterThanOrEqual(from - 5);
      expect(Date.parse(event.time)).toBeLessThanOrEqual(to + 5);
    }
  });

  it('records a CLI run too (the runbook and tests run PHP that way)', async () => {
    parts.egress.setScenario('cli');
    const result = await parts.stub.runCli(['-r', "fsockopen('198.51.100.7', 25);"]);
    expect(result.stderr).toMatch(/Unable to connect to 198\.51\.100\.7:25 \(Network is unreachable\)/);
    expect(parts.egress.unexpected({ scenario: 'cli' })).toMatchObject([
      { host: '198.51.100.7', port: 25, method: 'socket', codePath: 'Command line code:1' },
    ]);
    expect(bystanderConnections).toBe(0);
  });
});

describe('what the namespace relays', () => {
  it('the site itself, byte for byte, however large the answer', async () => {
    writeFileSync(
      join(parts.stub.documentRoot, 'large.php'),
      "<?php header('Content-Type: application/octet-stream'); echo str_repeat(hash('sha256', 'kh'), 262144);",
    );
    const body = Buffer.from(await (await fetch(`${parts.stub.url}/large.php`)).arrayBuffer());
    expect(body.length).toBe(64 * 262144);
    expect(body.subarray(-64).toString()).toBe(createHash('sha256').update('kh').digest('hex'));
  });

  it('MariaDB on its usual host:port and the egress proxy, which still names the request behind a refusal', async () => {
    const response = await fetch(`${parts.stub.url}/relayed.php`);
    expect(await response.json()).toEqual({
      db: '42',
      proxy: expect.stringMatching(/SOCKS5 connection to unlisted\.example/),
    });
    expect(parts.egress.unexpected()).toMatchObject([
      { host: 'unlisted.example', port: 443, method: 'SOCKS', codePath: 'php -S: GET /relayed.php' },
    ]);
  });
});

describe('stopping', () => {
  it('ends PHP and the gateway, frees the port, and leaves no namespace behind', async () => {
    const gateway = parts.stub.networkGateway!;
    const phpLog = parts.stub.logFiles.php;
    const port = Number(new URL(parts.stub.url).port);
    const namespace = readlinkSync(`/proc/${gateway.pid}/ns/net`);
    await parts.stub.stop();
    expect(existsSync(`/proc/${gateway.pid}`)).toBe(false);
    // A namespace lives as long as a process is in it: no process may be left in PHP's.
    const inside = readdirSync('/proc').filter((pid) => {
      try {
        return /^\d+$/.test(pid) && readlinkSync(`/proc/${pid}/ns/net`) === namespace;
      } catch {
        return false; // gone meanwhile
      }
    });
    expect(inside).toEqual([]);
    expect(gateway.running).toBe(false);
    expect(existsSync(phpLog)).toBe(true);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });
});
