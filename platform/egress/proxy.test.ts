/**
 * The egress proxy with PHP's own curl as the client (the runtime it guards): routed tunnels carry
 * TLS and a client certificate end to end, terminated routes reach plain-HTTP simulators, and an
 * unlisted destination is refused, recorded, and never contacted. PHP's https:// goes through SOCKS5
 * as the stack sets it up (socks5h://), and through an HTTP CONNECT as a stream wrapper's would.
 */
import { execFile } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, createServer as createTcpServer, type AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { beforeEach, describe, expect, it } from 'vitest';
import { assemble } from '../lifecycle.ts';
import { listening } from '../listening.ts';
import { scratchDir } from '../run-dir.ts';
import { useParts } from '../testing.ts';
import {
  createCertificateAuthority,
  issueClientCertificate,
  issueServerCertificate,
  writePemFiles,
} from '../tls/ca.ts';
import { egressControl } from './control-client.ts';
import { shareInProcess } from './in-process.ts';
import { startEgressProxy } from './proxy.ts';
import { clientCertHeader } from './terminate.ts';

const execFileAsync = promisify(execFile);

let plainSeen: { host?: string; cert?: string; path?: string }[];
let bystanderConnections = 0;

const portOf = (server: { address(): unknown }) => (server.address() as AddressInfo).port;

/** How PHP's libcurl reaches the proxy for https://: SOCKS5 as the stack sets it, or an HTTP CONNECT. */
type Via = 'socks' | 'http-connect';
const vias: Via[] = ['socks', 'http-connect'];

/** Runs PHP curl through the proxy; returns "<http code>|<curl errno>|<body>". */
async function phpCurl(url: string, extra = '', via: Via = 'socks'): Promise<string> {
  const code = `$ch = curl_init(${JSON.stringify(url)});
curl_setopt_array($ch, [CURLOPT_RETURNTRANSFER => true, CURLOPT_TIMEOUT => 5${extra}]);
$body = curl_exec($ch);
echo curl_getinfo($ch, CURLINFO_HTTP_CODE), '|', curl_errno($ch), '|', is_string($body) ? $body : '';`;
  return php(code, via);
}

async function php(code: string, via: Via = 'socks'): Promise<string> {
  const proxyUrl = via === 'socks' ? parts.proxy.url.replace(/^http:/, 'socks5h:') : parts.proxy.url;
  const { stdout } = await execFileAsync(
    'php',
    ['-d', `curl.cainfo=${parts.pem['ca.pem']}`, '-d', `openssl.cafile=${parts.pem['ca.pem']}`, '-r', code],
    {
      env: {
        PATH: process.env.PATH,
        HTTPS_PROXY: proxyUrl,
        https_proxy: proxyUrl,
        http_proxy: parts.proxy.url,
        NO_PROXY: '127.0.0.1,localhost',
      },
    },
  );
  return stdout;
}

const parts = useParts(
  assemble()
    .with('dir', () => scratchDir('kh-egress-'))
    .value('ca', () => createCertificateAuthority())
    .value('pem', async ({ dir, ca }) => {
      const client = await issueClientCertificate(ca, 'partner-test');
      return writePemFiles(dir.path, {
        'ca.pem': ca.certPem,
        'client.crt': client.certPem,
        'client.key': client.keyPem,
      });
    })
    .withAll({
      // Plays Kaspi r3: mutual TLS, answers with the client certificate's CN it saw.
      mtlsServer: async ({ ca }) => {
        const server = await issueServerCertificate(ca, ['qrapi-cert-ip.kaspi.kz']);
        return listening(
          createHttpsServer(
            {
              cert: server.certPem,
              key: server.keyPem,
              ca: ca.certPem,
              requestCert: true,
              rejectUnauthorized: true,
            },
            (req, res) => {
              const cn = (req.socket as import('node:tls').TLSSocket).getPeerCertificate().subject?.CN;
              res.end(JSON.stringify({ StatusCode: 0, path: req.url, clientCn: cn }));
            },
          ),
        );
      },
      plainServer: async () =>
        listening(
          createHttpServer((req, res) => {
            plainSeen.push({
              host: req.headers.host,
              cert: req.headers[clientCertHeader] as string,
              path: req.url,
            });
            res.end('{"shop_id":121038}');
          }),
        ),
      // A stand-in for a real bank on another loopback address: it must never see a connection.
      bystander: async () =>
        listening(
          createTcpServer((socket) => {
            bystanderConnections += 1;
            socket.destroy();
          }),
          { host: '127.0.0.2' },
        ),
    })
    .with('proxy', ({ ca, mtlsServer, plainServer }) =>
      startEgressProxy({
        ca,
        routes: [
          {
            match: 'qrapi-cert-ip.kaspi.kz',
            port: 443,
            target: { host: '127.0.0.1', port: mtlsServer.port },
          },
          {
            match: '*.up.railway.app',
            target: { host: '127.0.0.1', port: plainServer.port, mode: 'terminate' },
          },
        ],
      }),
    ),
);

beforeEach(() => {
  plainSeen = [];
  parts.proxy.clearUnexpected();
  parts.proxy.setScenario(undefined);
});

const clientCertificate = () =>
  `, CURLOPT_SSLCERT => ${JSON.stringify(parts.pem['client.crt'])}, CURLOPT_SSLKEY => ${JSON.stringify(parts.pem['client.key'])}, CURLOPT_SSLKEYPASSWD => 'any-passphrase'`;

describe('routed destinations', () => {
  it.each(vias)(
    'tunnels TLS end to end (%s): the harness CA is trusted and the client certificate arrives',
    async (via) => {
      const out = await phpCurl(
        'https://qrapi-cert-ip.kaspi.kz/r3/v01/health/ping',
        clientCertificate(),
        via,
      );
      const [status, errno, body] = out.split('|');
      expect([status, errno]).toEqual(['200', '0']);
      expect(JSON.parse(body!)).toEqual({
        StatusCode: 0,
        path: '/r3/v01/health/ping',
        clientCn: 'partner-test',
      });
    },
  );

  it('over SOCKS, CURLOPT_HEADER output starts with the server’s own status line, as without a proxy', async () => {
    // What a client that cuts headers at the first blank line, or at CURLINFO_HEADER_SIZE, reads.
    const code = `$ch = curl_init('https://qrapi-cert-ip.kaspi.kz/r3/v01/health/ping');
curl_setopt_array($ch, [CURLOPT_RETURNTRANSFER => true, CURLOPT_HEADER => true, CURLOPT_TIMEOUT => 5${clientCertificate()}]);
$out = (string) curl_exec($ch);
$size = curl_getinfo($ch, CURLINFO_HEADER_SIZE);
echo json_encode(['errno' => curl_errno($ch), 'start' => strtok($out, "\r"), 'firstBlankLine' => explode("\r\n\r\n", $out, 2)[1] ?? null, 'bySize' => substr($out, $size)]);`;
    const socks = JSON.parse(await php(code, 'socks')) as Record<string, unknown>;
    const body = JSON.stringify({ StatusCode: 0, path: '/r3/v01/health/ping', clientCn: 'partner-test' });
    expect(socks).toEqual({ errno: 0, start: 'HTTP/1.1 200 OK', firstBlankLine: body, bySize: body });
    // Through an HTTP CONNECT curl shows the proxy's own answer first: the false alarm SOCKS avoids.
    const connect = JSON.parse(await php(code, 'http-connect')) as Record<string, unknown>;
    expect(connect).toMatchObject({ errno: 0, start: 'HTTP/1.1 200 Connection Established', bySize: body });
    expect(connect.firstBlankLine).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  });

  it('without a client certificate the mutual-TLS target refuses the handshake', async () => {
    const [status, errno] = (await phpCurl('https://qrapi-cert-ip.kaspi.kz/r3/v01/health/ping')).split('|');
    expect(status).toBe('0');
    expect(errno).not.toBe('0');
  });

  it.each(vias)(
    'terminates TLS for plain-HTTP targets with a CA certificate for the requested host (%s)',
    async (via) => {
      const out = await phpCurl(
        'https://payment-service.up.railway.app/api/payment/config?shop_id=121038',
        '',
        via,
      );
      expect(out).toBe('200|0|{"shop_id":121038}');
      expect(plainSeen).toEqual([
        { host: 'payment-service.up.railway.app', cert: '', path: '/api/payment/config?shop_id=121038' },
      ]);
    },
  );

  it('forwards plain http:// requests (absolute URI) to the route target', async () => {
    expect(await phpCurl('http://other.up.railway.app/api/health')).toBe('200|0|{"shop_id":121038}');
    expect(plainSeen[0]).toMatchObject({ host: 'other.up.railway.app', path: '/api/health' });
  });
});

describe('unexpected egress', () => {
  it('refuses an unlisted host (SOCKS 0x02, HTTP 403), records it, and never connects anywhere', async () => {
    parts.proxy.setScenario('bank leak');
    const bystanderPort = parts.bystander.port;
    const socks = (await phpCurl(`https://127.0.0.2:${bystanderPort}/pay`)).split('|');
    const tunnel = (await phpCurl(`https://127.0.0.2:${bystanderPort}/pay`, '', 'http-connect')).split('|');
    const plain = await phpCurl(`http://127.0.0.2:${bystanderPort}/pay`);
    const named = (await phpCurl('https://api.real-bank.example/v1/transfer')).split('|');
    const ipv6 = (await phpCurl('https://[2001:db8::10]:8443/v1/transfer')).split('|');

    expect(socks[1]).toBe('97'); // CURLE_PROXY: the SOCKS proxy refused the destination
    expect(tunnel[1]).toBe('56'); // CURLE_RECV_ERROR: the proxy answered CONNECT with 403
    expect(plain.split('|').slice(0, 2)).toEqual(['403', '0']);
    expect(named[1]).toBe('97');
    expect(ipv6[1]).toBe('97');
    expect(bystanderConnections).toBe(0);
    expect(
      parts.proxy.unexpected().map(({ host, port, method, scenario }) => ({ host, port, method, scenario })),
    ).toEqual([
      { host: '127.0.0.2', port: bystanderPort, method: 'SOCKS', scenario: 'bank leak' },
      { host: '127.0.0.2', port: bystanderPort, method: 'CONNECT', scenario: 'bank leak' },
      { host: '127.0.0.2', port: bystanderPort, method: 'GET', scenario: 'bank leak' },
      { host: 'api.real-bank.example', port: 443, method: 'SOCKS', scenario: 'bank leak' },
      { host: '2001:db8::10', port: 8443, method: 'SOCKS', scenario: 'bank leak' },
    ]);
  });

  it('a SOCKS refusal fails curl at once, naming the destination and the ruleset code', async () => {
    const code = `$ch = curl_init('https://api.real-bank.example/v1/transfer');
curl_setopt_array($ch, [CURLOPT_RETURNTRANSFER => true, CURLOPT_TIMEOUT => 20]);
curl_exec($ch);
echo json_encode(['errno' => curl_errno($ch), 'error' => curl_error($ch)]);`;
    const result = JSON.parse(await php(code)) as { errno: number; error: string };
    // CURLE_PROXY, not CURLE_OPERATION_TIMEDOUT (28): curl did not wait for anything.
    expect(result.errno).toBe(97);
    // curl 7.88 words it "Can't complete SOCKS5 connection to <host>. (2)"; newer curl names the ruleset.
    expect(result.error).toMatch(/api\.real-bank\.example.*(\(2\)|ruleset)/);
  });

  it('names the local process that asked', async () => {
    parts.proxy.setClientDescriber((pid) => `described ${pid}`);
    await phpCurl('https://api.real-bank.example/v1/transfer');
    parts.proxy.setClientDescriber(undefined);
    const [event] = parts.proxy.unexpected();
    expect(event?.client?.command).toMatch(/^php -d curl\.cainfo=/);
    expect(event?.codePath).toBe(`described ${event?.client?.pid}`);
  });

  it('matches the port of a route: Kaspi on another port is unexpected', async () => {
    await phpCurl('https://qrapi-cert-ip.kaspi.kz:8443/r3/v01/health/ping');
    expect(parts.proxy.unexpected()).toMatchObject([{ host: 'qrapi-cert-ip.kaspi.kz', port: 8443 }]);
  });

  it('serves the record to workers over its control paths', async () => {
    const control = egressControl(parts.proxy.url);
    await control.setScenario('from a worker');
    await phpCurl('https://evil.example/');
    expect(await control.unexpected('from a worker')).toMatchObject([
      { host: 'evil.example', scenario: 'from a worker' },
    ]);
    await control.clear();
    expect(await control.unexpected()).toEqual([]);
  });

  it('keeps its record from the sandbox: PHP cannot read or clear it, only be refused and recorded', async () => {
    // PHP's connections arrive handed over (its network namespace, the docker stack's unix socket):
    // this port plays that part, with PHP's curl pointed at it as its HTTPS_PROXY.
    await using sandboxSide = await listening(
      createTcpServer((socket) => parts.proxy.acceptConnection(socket)),
    );
    const viaSandbox = `http://127.0.0.1:${sandboxSide.port}`;
    await phpCurl('https://evil.example/', `, CURLOPT_PROXY => ${JSON.stringify(viaSandbox)}`);
    expect(parts.proxy.unexpected()).toMatchObject([{ host: 'evil.example' }]);
    const clear = `, CURLOPT_NOPROXY => '*', CURLOPT_CUSTOMREQUEST => 'DELETE', CURLOPT_HTTPHEADER => ['Content-Type: application/json']`;
    const [status, , body] = (await phpCurl(`${viaSandbox}/__egress/unexpected`, clear)).split('|');
    expect(status).toBe('403');
    expect(JSON.parse(body!)).toEqual({
      error: {
        code: 'forbidden',
        message:
          "the egress record is the harness's, not the sandboxed code's: control paths are not served to PHP",
      },
    });
    const read = (await phpCurl(`${viaSandbox}/__egress/unexpected`, ", CURLOPT_NOPROXY => '*'")).split('|');
    expect(read[0]).toBe('403');
    expect(read[2]).not.toContain('evil.example');
    expect(parts.proxy.unexpected()).toMatchObject([{ host: 'evil.example' }]);
  });
});

describe('malformed requests', () => {
  /** Raw bytes on a connection, the answer's status line back (a client library would not send these). */
  const statusLineOf = (socket: import('node:net').Socket, bytes: string) =>
    new Promise<string>((resolve, reject) => {
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        text += chunk;
        if (text.includes('\r\n')) resolve(text.split('\r\n')[0]!);
      });
      socket.on('error', reject);
      socket.on('close', () => resolve(text.split('\r\n')[0] ?? ''));
      socket.write(bytes);
    });

  it('answers a target new URL() cannot parse, on its control paths and inside a terminated tunnel, and lives on', async () => {
    const { connect: connectTcp } = await import('node:net');
    const { connect: connectTls } = await import('node:tls');
    const direct = connectTcp(parts.proxy.port, '127.0.0.1');
    expect(
      await statusLineOf(direct, 'GET // HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'),
    ).toMatch(/^HTTP\/1\.1 4\d\d /);
    direct.destroy();

    const tunnel = connectTcp(parts.proxy.port, '127.0.0.1');
    const established = await statusLineOf(
      tunnel,
      'CONNECT payment-service.up.railway.app:443 HTTP/1.1\r\nHost: payment-service.up.railway.app:443\r\n\r\n',
    );
    expect(established).toBe('HTTP/1.1 200 Connection Established');
    tunnel.removeAllListeners('data');
    const tls = connectTls({
      socket: tunnel,
      servername: 'payment-service.up.railway.app',
      ca: parts.ca.certPem,
    });
    await new Promise((resolve, reject) => tls.once('secureConnect', resolve).once('error', reject));
    expect(await statusLineOf(tls, 'GET http://a:b/ HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')).toBe(
      'HTTP/1.1 400 Bad Request',
    );
    tls.destroy();
    // Still the proxy it was.
    expect(await phpCurl('https://payment-service.up.railway.app/api/payment/config?shop_id=121038')).toBe(
      '200|0|{"shop_id":121038}',
    );
  });
});

describe('listeners of the same process', () => {
  it('get the tunnel handed over (no loopback hop), TLS and the client certificate still end to end', async () => {
    const issued = await issueServerCertificate(parts.ca, ['mtokentest.kaspi.kz']);
    const local = createHttpsServer(
      {
        cert: issued.certPem,
        key: issued.keyPem,
        ca: parts.ca.certPem,
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => {
        const cn = (req.socket as import('node:tls').TLSSocket).getPeerCertificate().subject?.CN;
        res.end(JSON.stringify({ clientCn: cn }));
      },
    );
    // Which socket the server was given: the proxy's own accepted one (hand-off) or a new connection.
    const localPorts: number[] = [];
    local.on('connection', (socket: import('node:net').Socket) => localPorts.push(socket.localPort ?? 0));
    shareInProcess(local);
    await new Promise<void>((r) => local.listen(0, '127.0.0.1', r));
    const port = portOf(local);
    parts.proxy.addRoute({ match: 'mtokentest.kaspi.kz', port: 8545, target: { host: '127.0.0.1', port } });
    const certificate = `, CURLOPT_SSLCERT => ${JSON.stringify(parts.pem['client.crt'])}, CURLOPT_SSLKEY => ${JSON.stringify(parts.pem['client.key'])}`;

    const served = await phpCurl('https://mtokentest.kaspi.kz:8545/r3/v01/health/ping', certificate);
    expect(served).toBe('200|0|{"clientCn":"partner-test"}');
    expect(localPorts).toEqual([parts.proxy.port]);

    // Closed (a payment-service outage): the proxy connects for real and the refusal reaches PHP.
    await new Promise((r) => local.close(r));
    const [status, errno] = (
      await phpCurl('https://mtokentest.kaspi.kz:8545/r3/v01/health/ping', certificate)
    ).split('|');
    expect(status).toBe('0');
    expect(errno).not.toBe('0');
    expect(localPorts).toEqual([parts.proxy.port]);
  });
});

/** Speaks raw SOCKS5 to the proxy: sends `chunks` one by one, returns every byte received until it closes. */
function socksExchange(chunks: Buffer[], until?: (received: Buffer) => boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(parts.proxy.port, '127.0.0.1');
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no end after ${received.length} bytes: ${received.toString('hex')}`));
    }, 5_000);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (until?.(received)) socket.end();
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.on('error', reject);
    socket.on('connect', async () => {
      for (const chunk of chunks) {
        socket.write(chunk);
        await new Promise((r) => setTimeout(r, 20));
      }
    });
  });
}

const domainRequest = (command: number, host: string, port: number) =>
  Buffer.concat([
    Buffer.from([5, command, 0, 3, host.length]),
    Buffer.from(host, 'latin1'),
    Buffer.from([port >> 8, port & 0xff]),
  ]);
const refusedReply = [5, 2, 0, 1, 0, 0, 0, 0, 0, 0];

describe('the SOCKS5 handshake', () => {
  it('is read however the client splits it, byte by byte included', async () => {
    const bytes = Buffer.concat([Buffer.from([5, 1, 0]), domainRequest(1, 'evil.example', 443)]);
    const received = await socksExchange([...bytes].map((byte) => Buffer.from([byte])));
    expect([...received]).toEqual([5, 0, ...refusedReply]);
    expect(parts.proxy.unexpected()).toMatchObject([{ host: 'evil.example', port: 443, method: 'SOCKS' }]);
  });

  it('passes on what the client sends along with its request, and what comes back', async () => {
    await using echo = await listening(createTcpServer((socket) => socket.pipe(socket)));
    parts.proxy.addRoute({ match: 'echo.harness.invalid', target: { host: '127.0.0.1', port: echo.port } });
    const request = Buffer.concat([Buffer.from([5, 1, 0]), domainRequest(1, 'echo.harness.invalid', 7)]);
    const received = await socksExchange([Buffer.concat([request, Buffer.from('hello')])], (bytes) =>
      bytes.toString('latin1').endsWith('hello'),
    );
    expect([...received.subarray(0, 12)]).toEqual([5, 0, 5, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(received.subarray(12).toString()).toBe('hello');
    expect(parts.proxy.unexpected()).toEqual([]);
  });

  it('answers a client without the no-authentication method that no method is acceptable', async () => {
    expect([...(await socksExchange([Buffer.from([5, 1, 2])]))]).toEqual([5, 0xff]);
    expect(parts.proxy.unexpected()).toEqual([]);
  });

  it('refuses other commands (0x07) and unknown address types (0x08); a BIND is recorded', async () => {
    const bind = await socksExchange([Buffer.from([5, 1, 0]), domainRequest(2, 'evil.example', 21)]);
    expect([...bind]).toEqual([5, 0, 5, 7, 0, 1, 0, 0, 0, 0, 0, 0]);
    const oddAddress = await socksExchange([Buffer.from([5, 1, 0]), Buffer.from([5, 1, 0, 9, 1, 2, 3])]);
    expect([...oddAddress]).toEqual([5, 0, 5, 8, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(parts.proxy.unexpected()).toMatchObject([
      { host: 'evil.example', port: 21, method: 'SOCKS BIND' },
    ]);
  });
});
