/* global fetch, AbortSignal */
// Compose healthcheck for the simulator containers: `node healthcheck.mjs PROBE_FILE` answers 0 when
// the service has written `<port> <path>` there (once it serves: stack/docker/service-entry.ts) and
// http://127.0.0.1:<port><path> gives any non-5xx answer. Plain JS: no tsx start-up cost every second.
import { readFile } from 'node:fs/promises';

const [probeFile] = process.argv.slice(2);
if (!probeFile) {
  console.error('usage: healthcheck.mjs PROBE_FILE');
  process.exit(2);
}
try {
  const [port, path] = (await readFile(probeFile, 'utf8')).trim().split(' ');
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(3_000) });
  process.exit(response.status < 500 ? 0 : 1);
} catch {
  process.exit(1);
}
