/**
 * The egress proxy with PHP's own curl as the client (the runtime it guards): routed tunnels carry
 * TLS and a client certificate end to end, terminated routes reach plain-HTTP simulators, and an
 * unlisted destination is refused, recorded, and never contacted.
 */
import { execFile } from 'node:child_process';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createCertificateAuthority,
  issueClientCertificate,
  issueServerCertificate,
  writePemFiles,
  type CertificateAuthority,
} from '../tls/ca.ts';
import { egressControl } from './control-client.ts';
import { shareInProcess } from './in-process.ts';
import { startEgressProxy, type EgressProxy } from './proxy.ts';
import { clientCertHeader } from './terminate.ts';

const execFileAsync = promisify(execFile);

let dir: string;
let ca: CertificateAuthority;
let pem: Record<string, string>;
let proxy: EgressProxy;
let mtlsServer: Server;
let plainServer: Server;
let plainSeen: { host?: string; cert?: string; path?: string }[];
let bystander: ReturnType<typeof createTcpServer>;
let bystanderConnections = 0;

const portOf = (server: { address(): unknown }) => (server.address() as AddressInfo).port;

/** Runs PHP curl through the proxy; returns "<http code>|<curl errno>|<body>". */
async function phpCurl(url: string, extra = ''): Promise<string> {
  const code = `$ch = curl_init(${JSON.stringify(url)});
curl_setopt_array($ch, [CURLOPT_RETURNTRANSFER => true, CURLOPT_TIMEOUT => 5${extra}]);
$body = curl_exec($ch);
echo curl_getinfo($ch, CURLINFO_HTTP_CODE), '|', curl_errno($ch), '|', is_string($body) ? $body : '';`;
  const proxyUrl = proxy.url;
  const { stdout } = await execFileAsync(
    'php',
    ['-d', `curl.cainfo=${pem['ca.pem']}`, '-d', `openssl.cafile=${pem['ca.pem']}`, '-r', code],
    {
      env: {
        PATH: process.env.PATH,
        HTTPS_PROXY: proxyUrl,
        https_proxy: proxyUrl,
        http_proxy: proxyUrl,
        NO_PROXY: '127.0.0.1,localhost',
      },
    },
  );
  return stdout;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kh-egress-'));
  ca = await createCertificateAuthority();
  const server = await issueServerCertificate(ca, ['qrapi-cert-ip.kaspi.kz']);
  const client = await issueClientCertificate(ca, 'partner-test');
  pem = await writePemFiles(dir, {
    'ca.pem': ca.certPem,
    'client.crt': client.certPem,
    'client.key': client.keyPem,
  });

  // Plays Kaspi r3: mutual TLS, answers with the client certificate's CN it saw.
  mtlsServer = createHttpsServer(
    { cert: server.certPem, key: server.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      const cn = (req.socket as import('node:tls').TLSSocket).getPeerCertificate().subject?.CN;
      res.end(JSON.stringify({ StatusCode: 0, path: req.url, clientCn: cn }));
    },
  );
  plainServer = createHttpServer((req, res) => {
    plainSeen.push({ host: req.headers.host, cert: req.headers[clientCertHeader] as string, path: req.url });
    res.end('{"shop_id":121038}');
  });
  // A stand-in for a real bank on another loopback address: it must never see a connection.
  bystander = createTcpServer((socket) => {
    bystanderConnections += 1;
    socket.destroy();
  });
  await Promise.all([
    new Promise<void>((r) => mtlsServer.listen(0, '127.0.0.1', r)),
    new Promise<void>((r) => plainServer.listen(0, '127.0.0.1', r)),
    new Promise<void>((r) => bystander.listen(0, '127.0.0.2', r)),
  ]);
  proxy = await startEgressProxy({
    ca,
    routes: [
      { match: 'qrapi-cert-ip.kaspi.kz', port: 443, target: { host: '127.0.0.1', port: portOf(mtlsServer) } },
      {
        match: '*.up.railway.app',
        target: { host: '127.0.0.1', port: portOf(plainServer), mode: 'terminate' },
      },
    ],
  });
});

afterAll(async () => {
  await proxy?.close();
  for (const s of [mtlsServer, plainServer, bystander]) await new Promise((r) => s?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  plainSeen = [];
  proxy.clearUnexpected();
  proxy.setScenario(undefined);
});

describe('routed destinations', () => {
  it('tunnels TLS end to end: the harness CA is trusted and the client certificate arrives', async () => {
    const out = await phpCurl(
      'https://qrapi-cert-ip.kaspi.kz/r3/v01/health/ping',
      `, CURLOPT_SSLCERT => ${JSON.stringify(pem['client.crt'])}, CURLOPT_SSLKEY => ${JSON.stringify(pem['client.key'])}, CURLOPT_SSLKEYPASSWD => 'any-passphrase'`,
    );
    const [status, errno, body] = out.split('|');
    expect([status, errno]).toEqual(['200', '0']);
    expect(JSON.parse(body!)).toEqual({
      StatusCode: 0,
      path: '/r3/v01/health/ping',
      clientCn: 'partner-test',
    });
  });

  it('without a client certificate the mutual-TLS target refuses the handshake', async () => {
    const [status, errno] = (await phpCurl('https://qrapi-cert-ip.kaspi.kz/r3/v01/health/ping')).split('|');
    expect(status).toBe('0');
    expect(errno).not.toBe('0');
  });

  it('terminates TLS for plain-HTTP targets with a CA certificate for the requested host', async () => {
    const out = await phpCurl('https://payment-service.up.railway.app/api/payment/config?shop_id=121038');
    expect(out).toBe('200|0|{"shop_id":121038}');
    expect(plainSeen).toEqual([
      { host: 'payment-service.up.railway.app', cert: '', path: '/api/payment/config?shop_id=121038' },
    ]);
  });

  it('forwards plain http:// requests (absolute URI) to the route target', async () => {
    expect(await phpCurl('http://other.up.railway.app/api/health')).toBe('200|0|{"shop_id":121038}');
    expect(plainSeen[0]).toMatchObject({ host: 'other.up.railway.app', path: '/api/health' });
  });
});

describe('unexpected egress', () => {
  it('refuses an unlisted host with 403, records it, and never connects anywhere', async () => {
    proxy.setScenario('bank leak');
    const bystanderPort = portOf(bystander);
    const tunnel = (await phpCurl(`https://127.0.0.2:${bystanderPort}/pay`)).split('|');
    const plain = await phpCurl(`http://127.0.0.2:${bystanderPort}/pay`);
    const named = (await phpCurl('https://api.real-bank.example/v1/transfer')).split('|');

    expect(tunnel[1]).toBe('56'); // CURLE_RECV_ERROR: the proxy answered CONNECT with 403
    expect(plain.split('|').slice(0, 2)).toEqual(['403', '0']);
    expect(named[1]).toBe('56');
    expect(bystanderConnections).toBe(0);
    expect(
      proxy.unexpected().map(({ host, port, method, scenario }) => ({ host, port, method, scenario })),
    ).toEqual([
      { host: '127.0.0.2', port: bystanderPort, method: 'CONNECT', scenario: 'bank leak' },
      { host: '127.0.0.2', port: bystanderPort, method: 'GET', scenario: 'bank leak' },
      { host: 'api.real-bank.example', port: 443, method: 'CONNECT', scenario: 'bank leak' },
    ]);
  });

  it('names the local process that asked', async () => {
    proxy.setClientDescriber((pid) => `described ${pid}`);
    await phpCurl('https://api.real-bank.example/v1/transfer');
    proxy.setClientDescriber(undefined);
    const [event] = proxy.unexpected();
    expect(event?.client?.command).toMatch(/^php -d curl\.cainfo=/);
    expect(event?.codePath).toBe(`described ${event?.client?.pid}`);
  });

  it('matches the port of a route: Kaspi on another port is unexpected', async () => {
    await phpCurl('https://qrapi-cert-ip.kaspi.kz:8443/r3/v01/health/ping');
    expect(proxy.unexpected()).toMatchObject([{ host: 'qrapi-cert-ip.kaspi.kz', port: 8443 }]);
  });

  it('serves the record to workers over its control paths', async () => {
    const control = egressControl(proxy.url);
    await control.setScenario('from a worker');
    await phpCurl('https://evil.example/');
    expect(await control.unexpected('from a worker')).toMatchObject([
      { host: 'evil.example', scenario: 'from a worker' },
    ]);
    await control.clear();
    expect(await control.unexpected()).toEqual([]);
  });
});

describe('listeners of the same process', () => {
  it('get the tunnel handed over (no loopback hop), TLS and the client certificate still end to end', async () => {
    const issued = await issueServerCertificate(ca, ['mtokentest.kaspi.kz']);
    const local = createHttpsServer(
      {
        cert: issued.certPem,
        key: issued.keyPem,
        ca: ca.certPem,
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
    proxy.addRoute({ match: 'mtokentest.kaspi.kz', port: 8545, target: { host: '127.0.0.1', port } });
    const certificate = `, CURLOPT_SSLCERT => ${JSON.stringify(pem['client.crt'])}, CURLOPT_SSLKEY => ${JSON.stringify(pem['client.key'])}`;

    const served = await phpCurl('https://mtokentest.kaspi.kz:8545/r3/v01/health/ping', certificate);
    expect(served).toBe('200|0|{"clientCn":"partner-test"}');
    expect(localPorts).toEqual([proxy.port]);

    // Closed (a payment-service outage): the proxy connects for real and the refusal reaches PHP.
    await new Promise((r) => local.close(r));
    const [status, errno] = (
      await phpCurl('https://mtokentest.kaspi.kz:8545/r3/v01/health/ping', certificate)
    ).split('|');
    expect(status).toBe('0');
    expect(errno).not.toBe('0');
    expect(localPorts).toEqual([proxy.port]);
  });
});
