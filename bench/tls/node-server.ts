/**
 * bench:tls's Node server: answers every request with the fixed body, over HTTPS with the
 * simulators' TLS options (`mtls` asks for the partner's client certificate, as Kaspi's r2/r3 do;
 * `tls` does not, as the payment-service) or over plain HTTP (`http`). 127.0.0.1 only.
 *   node --import tsx node-server.ts <mtls|tls|http> <port> <dir with the PEM files> <body>
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttp, type RequestListener } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { join } from 'node:path';
import { simulatorTlsOptions } from '../../platform/tls/server-options.ts';

const [mode, port, dir, body] = process.argv.slice(2);
if (!mode || !port || !dir || body === undefined)
  throw new Error('usage: node-server.ts <mode> <port> <dir> <body>');
const answer: RequestListener = (_req, res) => res.end(body);
const tls = {
  ...simulatorTlsOptions,
  key: readFileSync(join(dir, 'server.key')),
  cert: readFileSync(join(dir, 'server.crt')),
};
const server =
  mode === 'mtls'
    ? createHttps(
        {
          ...tls,
          ca: readFileSync(join(dir, 'partner-ca.pem')),
          requestCert: true,
          rejectUnauthorized: true,
        },
        answer,
      )
    : mode === 'tls'
      ? createHttps(tls, answer)
      : createHttp(answer);
server.listen(Number(port), '127.0.0.1');
