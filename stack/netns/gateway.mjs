// The PHP runtime's network namespace gateway: it holds the run's private mount and network
// namespaces (it is the process `unshare -m -n` execs, so its pid names them for `nsenter`) and
// relays byte streams across the namespace's edge, nothing else. Plain Node, no dependencies:
// it may start with the repository hidden under the run's /home.
//   node gateway.mjs <config.json>
// config: { home?: string, ready: string,
//           inbound: [{ fd, port }],   a listening socket the harness opened on the HOST's
//                                      127.0.0.1 (inherited as fd) → 127.0.0.1:port in here
//           outbound: [{ port, socket, announce? }] }   127.0.0.1:port in here → a unix socket on
//                                      the shared file system (announce: first send one line
//                                      "KH-ORIGIN <this pid> <client port>\n" so the far end can
//                                      find the process that connected)
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));

function must(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    process.stderr.write(
      `gateway: ${command} ${args.join(' ')} failed: ${result.error?.message ?? result.stderr}\n`,
    );
    process.exit(1);
  }
}

// The bind mount happens here rather than in a shell before exec: node itself (nvm installs it
// under /home) must already be running when the run's tree hides the host's /home.
if (config.home) must('mount', ['--bind', config.home, '/home']);
// A new network namespace has only a loopback device, and it is down.
must('ip', ['link', 'set', 'lo', 'up']);

function pipeBoth(a, b) {
  a.on('error', () => b.destroy());
  b.on('error', () => a.destroy());
  a.on('close', () => b.destroy());
  b.on('close', () => a.destroy());
  a.pipe(b);
  b.pipe(a);
}

const listening = [];
const listen = (server, where) =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(where, () => resolve());
  });

for (const { fd, port } of config.inbound) {
  // Nagle off both ways: the relay must not add latency to small request/response exchanges.
  const server = createServer({ noDelay: true }, (outside) => {
    const inside = connect({ host: '127.0.0.1', port, noDelay: true });
    pipeBoth(outside, inside);
  });
  listening.push(listen(server, { fd }));
}

for (const { port, socket, announce } of config.outbound) {
  const server = createServer({ noDelay: true }, (inside) => {
    const outside = connect(socket);
    if (announce) outside.write(`KH-ORIGIN ${process.pid} ${inside.remotePort}\n`);
    pipeBoth(inside, outside);
  });
  listening.push(listen(server, { host: '127.0.0.1', port }));
}

await Promise.all(listening);
writeFileSync(config.ready, `${process.pid}\n`);
// Ends with its process group (SIGTERM from stack/process.ts); nothing else to clean: the
// namespaces go when their last process does.
process.on('SIGTERM', () => process.exit(0));
