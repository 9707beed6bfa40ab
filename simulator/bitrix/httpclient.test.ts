/**
 * Bitrix\Main\Web\HttpClient semantics over PHP CLI runs: what get/post/query return, status 0 and
 * the NETWORK error without a response, form-encoded array bodies, headers, redirects, and that it
 * goes through the egress proxy like the rest of the stub's traffic.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEgressProxy, type EgressProxy } from '../../platform/egress/index.ts';
import type { RunningMariadb } from '../../platform/mariadb.ts';
import { layOutDocumentRoot } from './layout.ts';
import { bitrixPhpEnv, bitrixPhpIni, writeEgressPrepend } from './php-runtime.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
let runDir: string;
let docroot: string;
let server: Server;
let base: string;
let egress: EgressProxy;
let ini: string[];
const seen: { method: string; url: string; type?: string; body: string; ua?: string; custom?: string }[] = [];

// The HttpClient never touches the database: a document root with unused credentials is enough.
const noDatabase = {
  host: '127.0.0.1',
  port: 9,
  database: { name: 'x', user: 'x', password: 'x' },
} as RunningMariadb;

/** Runs the code as a script file: auto_prepend_file (the stream-wrapper proxy) does not apply to `php -r`. */
async function php(code: string): Promise<unknown> {
  const script = `<?php $_SERVER['DOCUMENT_ROOT'] = getenv('DOCUMENT_ROOT'); require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_before.php';
use Bitrix\\Main\\Web\\HttpClient;
echo json_encode((function () { ${code} })());`;
  const file = join(runDir, `snippet-${Math.random().toString(36).slice(2)}.php`);
  writeFileSync(file, script);
  const { stdout } = await execFileAsync('php', [...ini, '-d', 'display_errors=stderr', file], {
    env: { ...bitrixPhpEnv(process.env, egress.url), DOCUMENT_ROOT: docroot },
  });
  return JSON.parse(stdout);
}

beforeAll(async () => {
  runDir = mkdtempSync(join(tmpdir(), 'kh-httpclient-'));
  docroot = await layOutDocumentRoot(runDir, noDatabase);
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({
        method: req.method!,
        url: req.url!,
        type: req.headers['content-type'],
        body,
        ua: req.headers['user-agent'],
        custom: req.headers['x-custom'] as string,
      });
      if (req.url === '/redirect') res.writeHead(302, { location: '/ok' }).end();
      else if (req.url === '/missing')
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"detail":"Not Found"}');
      else
        res
          .writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'x-answer': '42' })
          .end(`hello ${req.method}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  egress = await startEgressProxy({
    routes: [
      {
        match: 'crm.example.kz',
        target: { host: '127.0.0.1', port: (server.address() as AddressInfo).port },
      },
    ],
  });
  ini = Object.entries(
    bitrixPhpIni(undefined, await writeEgressPrepend(join(runDir, 'php'), egress.url)),
  ).flatMap(([key, value]) => ['-d', `${key}=${value}`]);
});

afterAll(async () => {
  await egress?.stop();
  await new Promise((r) => server?.close(r));
  rmSync(runDir, { recursive: true, force: true });
});

describe('Bitrix\\Main\\Web\\HttpClient', () => {
  it('get returns the body; status, headers and content type describe the response', async () => {
    const out = await php(`$c = new HttpClient(); $b = $c->get('${base}/ok');
      return [$b, $c->getStatus(), $c->getHeaders()->get('X-ANSWER'), $c->getContentType(), $c->getError()];`);
    expect(out).toEqual(['hello GET', 200, '42', 'text/plain', []]);
    expect(seen.at(-1)?.ua).toBe('BitrixSM HttpClient class');
  });

  it('query returns true for any response, a 404 too; get returns its body', async () => {
    const out = await php(`$c = new HttpClient(); $q = $c->query('GET', '${base}/missing');
      return [$q, $c->getStatus(), $c->getResult(), (new HttpClient())->get('${base}/missing')];`);
    expect(out).toEqual([true, 404, '{"detail":"Not Found"}', '{"detail":"Not Found"}']);
  });

  it('without a response: get/post return false, query false, status 0, a NETWORK error', async () => {
    const out = (await php(`$c = new HttpClient(['socketTimeout' => 2]);
      return [$c->get('http://127.0.0.1:9/'), $c->post('http://127.0.0.1:9/', ['a' => 1]), $c->query('PUT', 'http://127.0.0.1:9/'), $c->getStatus(), array_keys($c->getError())];`)) as unknown[];
    expect(out).toEqual([false, false, false, 0, ['NETWORK']]);
  });

  it('sends an array body form-encoded and a string body as is with the header the caller set', async () => {
    await php(
      `(new HttpClient())->post('${base}/form', ['shop_id' => 121038, 'name' => 'Eileen Flowers']); return null;`,
    );
    expect(seen.at(-1)).toMatchObject({
      method: 'POST',
      type: 'application/x-www-form-urlencoded',
      body: 'shop_id=121038&name=Eileen+Flowers',
    });
    await php(`$c = new HttpClient(['headers' => ['X-Custom' => 'yes']]); $c->setHeader('Content-Type', 'application/json');
      $c->post('${base}/json', \\Bitrix\\Main\\Web\\Json::encode(['a' => 1])); return null;`);
    expect(seen.at(-1)).toMatchObject({ type: 'application/json', body: '{"a":1}', custom: 'yes' });
  });

  it('follows redirects unless told not to', async () => {
    const out = await php(`$a = new HttpClient(); $ra = $a->get('${base}/redirect');
      $b = new HttpClient(['redirect' => false]); $b->get('${base}/redirect');
      return [$ra, $a->getStatus(), $b->getStatus(), $b->getHeaders()->get('Location')];`);
    expect(out).toEqual(['hello GET', 200, 302, '/ok']);
  });

  it('goes through the egress proxy: a routed host answers, an unlisted one is refused and recorded', async () => {
    egress.clearUnexpected();
    const out = await php(`$a = new HttpClient(); $ra = $a->get('http://crm.example.kz/ok');
      $b = new HttpClient(); $rb = $b->get('http://api.telegram.org/bot/send');
      return [$ra, $b->getStatus(), $rb];`);
    expect(out).toEqual(['hello GET', 403, expect.stringContaining('unexpected egress')]);
    expect(egress.unexpected()).toMatchObject([{ host: 'api.telegram.org', port: 80, method: 'GET' }]);
  });

  it('file_get_contents goes through the egress proxy too (stream wrappers ignore HTTPS_PROXY)', async () => {
    egress.clearUnexpected();
    const out = await php(
      `return [file_get_contents('http://crm.example.kz/ok'), @file_get_contents('https://api.real-bank.example/')];`,
    );
    expect(out).toEqual(['hello GET', false]);
    expect(egress.unexpected()).toMatchObject([
      { host: 'api.real-bank.example', port: 443, method: 'CONNECT' },
    ]);
  });
});
