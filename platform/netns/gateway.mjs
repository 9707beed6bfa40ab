// The PHP runtime's network namespace gateway: it holds the run's private mount and network
// namespaces (it is the process `unshare -m -n` execs, so its pid names them for `nsenter`) and
// relays byte streams across the namespace's edge, nothing else. Plain Node, no dependencies:
// it may start with the repository hidden under the run's /home.
//   node gateway.mjs <config.json>
// config: { home?: string, ready: string,
//           inbound: [{ fd, port }],   a listening socket the harness opened on the HOST's
//                                      127.0.0.1 (inherited as fd) → 127.0.0.1:port in here
//           outbound: [{ port, socket }],   127.0.0.1:port in here → a unix socket on the shared
//                                      file system (MariaDB's, for a client that dials its TCP port)
//           handOver: [{ port }],      listen on 127.0.0.1:port in here and send that listening
//                                      socket to the harness over the IPC channel: the harness
//                                      accepts PHP's connections itself, with no relay in between
//                                      (the egress proxy; a simulator a test named by URL)
//           dns?: { log } }            answer every name lookup "refused" and append one JSON line
//                                      { time, name, pid } per lookup: nothing in here may resolve
//                                      a name (the proxy does that), so each one is an attempt to
//                                      go around it, e.g. curl with the proxy switched off
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { appendFileSync, existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { connect, createServer } from 'node:net';
import { setTimeout } from 'node:timers';

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
  for (const [from, to] of [
    [a, b],
    [b, a],
  ]) {
    // A reset ends the other side at once; a clean end reaches it through pipe() as end(), after
    // the bytes still buffered for it (destroying it on close could cut a large response short).
    from.on('error', () => to.destroy());
    from.pipe(to);
  }
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

for (const { port, socket } of config.outbound) {
  const server = createServer({ noDelay: true }, (inside) => pipeBoth(inside, connect(socket)));
  listening.push(listen(server, { host: '127.0.0.1', port }));
}

for (const { port } of config.handOver ?? []) {
  // A socket belongs to the namespace it was made in, whoever holds it: the harness, in the host's
  // namespace, accepts PHP's connections on it. This copy closes once sent, so only the harness
  // accepts; bytes then flow PHP ↔ harness directly, which halves the proxy's loopback hops.
  const server = createServer();
  listening.push(
    listen(server, { host: '127.0.0.1', port }).then(
      () =>
        new Promise((resolve, reject) =>
          process.send({ handOver: port }, server, (error) => {
            if (error) reject(error);
            else server.close(() => resolve());
          }),
        ),
    ),
  );
}

/** The process holding the UDP socket bound to `port` in here, while it waits for our answer. */
function pidOfUdpPort(port) {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  let inode;
  for (const table of ['/proc/self/net/udp', '/proc/self/net/udp6']) {
    for (const line of (existsSync(table) ? readFileSync(table, 'utf8') : '').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[1]?.endsWith(hex) && fields[9] && fields[9] !== '0') inode = fields[9];
    }
  }
  if (!inode) return undefined;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`))
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`) return Number(pid);
    } catch {
      // gone, or not ours to read
    }
  }
  return undefined;
}

/** The first question's name, and the answer "refused" to it (RCODE 5). */
function refuseQuery(query) {
  if (query.length < 12) return undefined;
  const labels = [];
  let at = 12;
  while (at < query.length && query[at] !== 0) {
    const length = query[at];
    if (length > 63 || at + 1 + length > query.length) return undefined;
    labels.push(query.subarray(at + 1, at + 1 + length).toString('latin1'));
    at += 1 + length;
  }
  const end = at + 5; // the root label, QTYPE, QCLASS
  if (end > query.length) return undefined;
  const answer = Buffer.from(query.subarray(0, end));
  answer[2] = 0x80 | (query[2] & 0x79); // QR, the query's opcode and RD
  answer[3] = 0x80 | 5; // RA, REFUSED
  answer.writeUInt16BE(1, 4);
  answer.fill(0, 6, 12);
  return { name: labels.join('.').toLowerCase(), answer };
}

if (config.dns) {
  // Lookups come here instead of the host's resolver (which this namespace cannot reach anyway).
  const resolvConf = join(dirname(config.ready), 'resolv.conf');
  writeFileSync(resolvConf, 'nameserver 127.0.0.1\noptions attempts:1 timeout:1\n');
  if (existsSync('/etc/resolv.conf')) must('mount', ['--bind', resolvConf, '/etc/resolv.conf']);
  const dns = createSocket('udp4');
  const seen = new Map();
  dns.on('message', (query, peer) => {
    const refused = refuseQuery(query);
    if (!refused) return;
    // One line per lookup: the A and AAAA questions of one getaddrinfo share the client's port.
    const key = `${peer.port} ${refused.name}`;
    if (!seen.has(key)) {
      seen.set(key, setTimeout(() => seen.delete(key), 2_000).unref());
      const line = { time: new Date().toISOString(), name: refused.name, pid: pidOfUdpPort(peer.port) };
      appendFileSync(config.dns.log, `${JSON.stringify(line)}\n`);
    }
    dns.send(refused.answer, peer.port, peer.address);
  });
  listening.push(
    new Promise((resolve, reject) => {
      dns.once('error', reject);
      dns.bind(53, '127.0.0.1', () => resolve());
    }),
  );
}

await Promise.all(listening);
writeFileSync(config.ready, `${process.pid}\n`);
// Ends with its process group (SIGTERM from platform/process.ts); nothing else to clean: the
// namespaces go when their last process does.
process.on('SIGTERM', () => process.exit(0));
