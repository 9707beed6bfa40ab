/**
 * Test helpers for the Bitrix stub: run PHP snippets against a document root (as a CLI request with
 * DOCUMENT_ROOT set, so every run starts with empty memory like an HTTP request), and tiny recording
 * HTTP fakes for Kaspi and the payment-service, and the MariaDB + stub pair the stub's tests start.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { paymentConfigOf } from '../../fixtures/payment-configs.ts';
import { sellerByShopId } from '../../fixtures/organizations.ts';
import {
  issueServerCertificate,
  writePemFiles,
  type IssuedCertificate,
  type RunAuthorities,
} from '../../platform/tls/ca.ts';
import { running, type Assembly, type Running } from '../../platform/lifecycle.ts';
import { listening } from '../../platform/listening.ts';
import { startMariadb, type RunningMariadb } from '../../platform/mariadb.ts';
import type { ScratchDir } from '../../platform/run-dir.ts';
import { startBitrix, type BitrixStub, type StartBitrixOptions } from './server.ts';

/**
 * Runs `<?php` code after prolog_before.php through the stub's own PHP settings (egress proxy, CA,
 * database socket, production layout) as a CLI request with DOCUMENT_ROOT set, so every run starts
 * with empty memory like an HTTP request; returns stdout. PHP errors go to stderr and fail the call.
 */
export async function runStubPhp(stub: BitrixStub, code: string): Promise<string> {
  const script = `$_SERVER['DOCUMENT_ROOT'] = getenv('DOCUMENT_ROOT');\nrequire $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_before.php';\n${code}`;
  const result = await stub.runCli([
    '-d',
    'display_errors=stderr',
    '-d',
    'error_reporting=32767',
    '-r',
    script,
  ]);
  if (result.stderr.trim() !== '' || result.code !== 0)
    throw new Error(`PHP failed (exit ${result.code}):\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** CN of the client certificate (mutual-TLS fakes only). */
  clientCn?: string;
}

export type FakeHandler = (request: RecordedRequest) => { status: number; body: unknown };

export interface FakeServer extends Running {
  url: string;
  port: number;
  requests: RecordedRequest[];
  handler: FakeHandler;
}

export interface StartFakeOptions {
  /**
   * Serve HTTPS with a certificate from the server CA for these hostnames, and require a client
   * certificate from the partner CA, as Kaspi does.
   */
  mutualTls?: { authorities: RunAuthorities; hostnames: string[] };
}

export async function startFake(handler: FakeHandler, options: StartFakeOptions = {}): Promise<FakeServer> {
  const fake = { url: '', port: 0, requests: [] as RecordedRequest[], handler };
  const listener = (req: IncomingMessage, res: import('node:http').ServerResponse): void => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      let body: unknown = raw;
      try {
        body = raw === '' ? undefined : JSON.parse(raw);
      } catch {
        // keep the raw text
      }
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
      };
      if (options.mutualTls)
        recorded.clientCn = String((req.socket as TLSSocket).getPeerCertificate().subject?.CN);
      fake.requests.push(recorded);
      const answer = fake.handler(recorded);
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
    });
  };
  let server: Server;
  if (options.mutualTls) {
    const { authorities, hostnames } = options.mutualTls;
    const cert = await issueServerCertificate(authorities.server, hostnames);
    server = createHttpsServer(
      {
        cert: cert.certPem,
        key: cert.keyPem,
        ca: authorities.partner.certPem,
        requestCert: true,
        rejectUnauthorized: true,
      },
      listener,
    );
  } else server = createServer(listener);
  const listened = await listening(server);
  fake.port = listened.port;
  fake.url = `${options.mutualTls ? 'https' : 'http'}://127.0.0.1:${fake.port}`;
  return running<FakeServer>(fake, () => listened.stop());
}

/**
 * The payment-service as the fixtures' sellers have it: GET /api/payment/config answers the seller's
 * own config (404 "Shop ID not found" for another shop), POST /api/payment/log is stored (201).
 */
export const fixturesPaymentServiceHandler: FakeHandler = (request) => {
  if (request.method === 'POST') return { status: 201, body: { id: 1 } };
  const seller = sellerByShopId(Number(new URL(request.url, 'http://fake').searchParams.get('shop_id')));
  return seller
    ? { status: 200, body: paymentConfigOf(seller) }
    : { status: 404, body: { detail: 'Shop ID not found' } };
};

/** A recording fake payment-service answering from the fixtures' sellers. */
export const fixturesPaymentService = (): Promise<FakeServer> => startFake(fixturesPaymentServiceHandler);

/** Writes the CA's certificate into the run dir's tls/ca.pem, for PHP's curl.cainfo (`caCertFile`). */
export async function writeCaCertFile(
  runDir: string,
  ca: Pick<IssuedCertificate, 'certPem'>,
): Promise<string> {
  const dir = join(runDir, 'tls');
  await writePemFiles(dir, { 'ca.pem': ca.certPem });
  return join(dir, 'ca.pem');
}

export type StubOptions = Omit<StartBitrixOptions, 'runDir' | 'mariadb'>;

/**
 * Adds MariaDB and the Bitrix stub on it, both in the run dir `dir`, to an assembly: `options` gets
 * the parts started before them and returns the stub's own settings.
 */
export function withStub<Parts extends { dir: ScratchDir }>(
  assembly: Assembly<Parts>,
  options: (parts: Parts) => StubOptions | Promise<StubOptions>,
): Assembly<Parts & { mariadb: RunningMariadb; stub: BitrixStub }> {
  return assembly
    .with('mariadb', ({ dir }) => startMariadb({ runDir: dir.path }))
    .with('stub', async (parts) =>
      startBitrix({ runDir: parts.dir.path, mariadb: parts.mariadb, ...(await options(parts)) }),
    );
}
