/* global fetch, AbortSignal */
// Compose healthcheck for the simulator containers: `node healthcheck.mjs PORT_VARIABLE PATH` answers 0
// when http://127.0.0.1:$PORT_VARIABLE/PATH gives any non-5xx answer. Plain JS: no tsx start-up cost
// every second.
const [variable, path] = process.argv.slice(2);
const port = process.env[variable ?? ''];
if (!port || !path) {
  console.error('usage: healthcheck.mjs PORT_VARIABLE PATH');
  process.exit(2);
}
try {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(3_000) });
  process.exit(response.status < 500 ? 0 : 1);
} catch {
  process.exit(1);
}
