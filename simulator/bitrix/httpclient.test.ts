/**
 * Bitrix\Main\Web\HttpClient semantics over PHP CLI runs: what get/post/query return, status 0 and
 * the NETWORK error without a response, form-encoded array bodies, headers, redirects, and that it
 * goes through the egress proxy like the rest of the stub's traffic.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useParts } from '../../platform/testing.ts';
import { listenHttp } from '../../platform/http-server.ts';
import { assemble } from '../../platform/lifecycle.ts';
import { scratchDir } from '../../platform/run-dir.ts';
import { startEgressProxy } from '../../platform/egress/index.ts';
import type { RunningMariadb } from '../../platform/mariadb.ts';
import { layOutDocumentRoot } from './layout.ts';
import { bitrixPhpEnv, bitrixPhpIni, writeEgressPrepend } from './php-runtime.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
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
  const file = join(parts.dir.path, `snippet-${Math.random().toString(36).slice(2)}.php`);
  writeFileSync(file, script);
  const { stdout } = await execFileAsync('php', [...parts.ini, '-d', 'display_errors=stderr', file], {
    env: { ...bitrixPhpEnv(process.env, parts.egress.url), DOCUMENT_ROOT: parts.docroot },
  });
  return JSON.parse(stdout);
}

const parts = useParts(
  assemble()
    .with('dir', () => scratchDir('kh-httpclient-'))
    .value('docroot', ({ dir }) => layOutDocumentRoot(dir.path, noDatabase))
    .with('server', () =>
      listenHttp((req, res) => {
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
      }),
    )
    .with('egress', ({ server }) =>
      startEgressProxy({
        routes: [{ match: 'crm.example.kz', target: { host: '127.0.0.1', port: server.port } }],
      }),
    )
    .value('ini', async ({ dir, egress }) =>
      Object.entries(
        bitrixPhpIni(undefined, await writeEgressPrepend(join(dir.path, 'php'), egress.url)),
      ).flatMap(([key, value]) => ['-d', `${key}=${value}`]),
    ),
);

describe('Bitrix\\Main\\Web\\HttpClient', () => {
  it('get returns the body; status, headers and content type describe the response', async () => {
    const out = await php(`$c = new HttpClient(); $b = $c->get('${parts.server.url}/ok');
      return [$b, $c->getStatus(), $c->getHeaders()->get('X-ANSWER'), $c->getContentType(), $c->getError()];`);
    expect(out).toEqual(['hello GET', 200, '42', 'text/plain', []]);
    expect(seen.at(-1)?.ua).toBe('BitrixSM HttpClient class');
  });

  it('query returns true for any response, a 404 too; get returns its body', async () => {
    const out = await php(`$c = new HttpClient(); $q = $c->query('GET', '${parts.server.url}/missing');
      return [$q, $c->getStatus(), $c->getResult(), (new HttpClient())->get('${parts.server.url}/missing')];`);
    expect(out).toEqual([true, 404, '{"detail":"Not Found"}', '{"detail":"Not Found"}']);
  });

  it('without a response: get/post return false, query false, status 0, a NETWORK error', async () => {
    const out = (await php(`$c = new HttpClient(['socketTimeout' => 2]);
      return [$c->get('http://127.0.0.1:9/'), $c->post('http://127.0.0.1:9/', ['a' => 1]), $c->query('PUT', 'http://127.0.0.1:9/'), $c->getStatus(), array_keys($c->getError())];`)) as unknown[];
    expect(out).toEqual([false, false, false, 0, ['NETWORK']]);
  });

  it('sends an array body form-encoded and a string body as is with the header the caller set', async () => {
    await php(
      `(new HttpClient())->post('${parts.server.url}/form', ['shop_id' => 121038, 'name' => 'Eileen Flowers']); return null;`,
    );
    expect(seen.at(-1)).toMatchObject({
      method: 'POST',
      type: 'application/x-www-form-urlencoded',
      body: 'shop_id=121038&name=Eileen+Flowers',
    });
    await php(`$c = new HttpClient(['headers' => ['X-Custom' => 'yes']]); $c->setHeader('Content-Type', 'application/json');
      $c->post('${parts.server.url}/json', \\Bitrix\\Main\\Web\\Json::encode(['a' => 1])); return null;`);
    expect(seen.at(-1)).toMatchObject({ type: 'application/json', body: '{"a":1}', custom: 'yes' });
  });

  it('follows redirects unless told not to', async () => {
    const out = await php(`$a = new HttpClient(); $ra = $a->get('${parts.server.url}/redirect');
      $b = new HttpClient(['redirect' => false]); $b->get('${parts.server.url}/redirect');
      return [$ra, $a->getStatus(), $b->getStatus(), $b->getHeaders()->get('Location')];`);
    expect(out).toEqual(['hello GET', 200, 302, '/ok']);
  });

  it('goes through the egress proxy: a routed host answers, an unlisted one is refused and recorded', async () => {
    parts.egress.clearUnexpected();
    const out = await php(`$a = new HttpClient(); $ra = $a->get('http://crm.example.kz/ok');
      $b = new HttpClient(); $rb = $b->get('http://api.telegram.org/bot/send');
      return [$ra, $b->getStatus(), $rb];`);
    expect(out).toEqual(['hello GET', 403, expect.stringContaining('unexpected egress')]);
    expect(parts.egress.unexpected()).toMatchObject([{ host: 'api.telegram.org', port: 80, method: 'GET' }]);
  });

  it('file_get_contents goes through the egress proxy too (stream wrappers ignore HTTPS_PROXY)', async () => {
    parts.egress.clearUnexpected();
    const out = await php(
      `return [file_get_contents('http://crm.example.kz/ok'), @file_get_contents('https://api.real-bank.example/')];`,
    );
    expect(out).toEqual(['hello GET', false]);
    expect(parts.egress.unexpected()).toMatchObject([
      { host: 'api.real-bank.example', port: 443, method: 'CONNECT' },
    ]);
  });
});
