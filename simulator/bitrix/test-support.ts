/**
 * Test helpers for the Bitrix stub: run PHP snippets against a document root (as a CLI request with
 * DOCUMENT_ROOT set, so every run starts with empty memory like an HTTP request), and tiny recording
 * HTTP fakes for Kaspi and the payment-service.
 */
import { execFile } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { bitrixPhpEnv } from './server.ts';

const execFileAsync = promisify(execFile);

/** Runs `<?php` code after prolog_before.php; returns stdout. PHP errors go to stderr and fail the call. */
export async function runPhp(documentRoot: string, code: string): Promise<string> {
  // The CLI SAPI sets DOCUMENT_ROOT to '' whatever the environment says; Bitrix cron scripts set it by hand.
  const script = `$_SERVER['DOCUMENT_ROOT'] = getenv('DOCUMENT_ROOT');\nrequire $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_before.php';\n${code}`;
  const { stdout, stderr } = await execFileAsync(
    'php',
    ['-d', 'display_errors=stderr', '-d', 'error_reporting=32767', '-r', script],
    { env: { ...bitrixPhpEnv(), DOCUMENT_ROOT: documentRoot }, cwd: documentRoot },
  );
  if (stderr.trim() !== '') throw new Error(`PHP wrote to stderr:\n${stderr}`);
  return stdout;
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export type FakeHandler = (request: RecordedRequest) => { status: number; body: unknown };

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  handler: FakeHandler;
  close(): Promise<void>;
}

export async function startFake(handler: FakeHandler): Promise<FakeServer> {
  const fake: FakeServer = { url: '', requests: [], handler, close: async () => undefined };
  const server: Server = createServer((req, res) => {
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
      fake.requests.push(recorded);
      const answer = fake.handler(recorded);
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => new Promise((resolve) => server.close(() => resolve()));
  return fake;
}
