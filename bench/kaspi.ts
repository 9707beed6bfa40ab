/**
 * Kaspi simulator benchmark (`npm run bench:kaspi`): `qr/create` followed by `payment/status`, with
 * the journal on, against the simulator and two baselines measured in the same run:
 *  - stock: the same msw handlers behind @mswjs/http-middleware's `createServer`;
 *  - bare:  node:http answering a fixed JSON body (the ceiling of this machine and client).
 * Every server and the load generator run in their own processes, on 127.0.0.1 only. Then a soak of
 * `--soak` requests (default one million) checks the simulator's memory stays flat.
 *
 *   npx tsx bench/kaspi.ts [--seconds 10] [--connections 16] [--soak 1000000]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sellers } from '../fixtures/organizations.ts';
import type { LoadOptions, LoadResult } from './kaspi/load.ts';
import type { TargetMemory, TargetName, TargetRequest } from './kaspi/target.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    soak: { type: 'string', default: '1000000' },
  },
});
const seconds = Math.min(120, Math.max(1, Number(values.seconds)));
const connections = Math.min(256, Math.max(1, Number(values.connections)));
const soakRequests = Math.min(10_000_000, Math.max(0, Number(values.soak)));
const deviceToken = sellers[0]!.deviceToken;
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const execArgv = ['--import', 'tsx', '--expose-gc'];

function nextMessage<T>(child: ChildProcess, key: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: Record<string, unknown>) => {
      if (!(key in message)) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message[key] as T);
    };
    const onExit = (code: number | null) => reject(new Error(`child exited (${code}) before sending ${key}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

async function startTarget(name: TargetName): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(here('./kaspi/target.ts'), [name], {
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return { child, url: await nextMessage<string>(child, 'ready') };
}

function ask<T>(child: ChildProcess, request: TargetRequest, key: string): Promise<T> {
  const answer = nextMessage<T>(child, key);
  child.send(request);
  return answer;
}

async function load(url: string, requests: number, forSeconds: number): Promise<LoadResult> {
  const options: LoadOptions = { url, connections, requests, seconds: forSeconds, deviceToken };
  const child = fork(here('./kaspi/load.ts'), [JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return nextMessage<LoadResult>(child, 'result');
}

async function stopTarget(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send({ type: 'stop' } satisfies TargetRequest);
  await exited;
}

interface Row {
  target: string;
  result: LoadResult;
  before: TargetMemory;
  after: TargetMemory;
}

async function measure(name: TargetName): Promise<Row> {
  const { child, url } = await startTarget(name);
  try {
    await load(url, 20_000, 2); // warm-up: JIT, keep-alive sockets, lazy imports
    if (name === 'simulator') await ask(child, { type: 'clear-purchases' }, 'cleared');
    const before = await ask<TargetMemory>(child, { type: 'memory' }, 'memory');
    const result = await load(url, Number.MAX_SAFE_INTEGER, seconds);
    const after = await ask<TargetMemory>(child, { type: 'memory' }, 'memory');
    return { target: name, result, before, after };
  } finally {
    await stopTarget(child);
  }
}

async function soak(): Promise<{ rounds: { requests: number; memory: TargetMemory; perSecond: number }[] }> {
  const { child, url } = await startTarget('simulator');
  const rounds: { requests: number; memory: TargetMemory; perSecond: number }[] = [];
  try {
    const perRound = 100_000;
    let total = 0;
    rounds.push({
      requests: 0,
      memory: await ask<TargetMemory>(child, { type: 'memory' }, 'memory'),
      perSecond: 0,
    });
    while (total < soakRequests) {
      const result = await load(url, Math.min(perRound, soakRequests - total), 120);
      total += result.requests;
      await ask(child, { type: 'clear-purchases' }, 'cleared');
      rounds.push({
        requests: total,
        memory: await ask<TargetMemory>(child, { type: 'memory' }, 'memory'),
        perSecond: result.perSecond,
      });
      if (result.requests === 0) break;
    }
    return { rounds };
  } finally {
    await stopTarget(child);
  }
}

console.log(
  `Kaspi simulator benchmark: ${connections} connections, ${seconds} s per target, qr/create + payment/status\n`,
);
const rows: Row[] = [];
for (const name of ['bare', 'stock', 'simulator'] as const) rows.push(await measure(name));

const pad = (text: string | number, width: number) => String(text).padStart(width);
console.log(
  `${'target'.padEnd(10)}${pad('req/s', 9)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}${pad('max ms', 9)}${pad('errors', 8)}${pad('RSS MB before→after', 22)}`,
);
for (const { target, result, before, after } of rows) {
  console.log(
    `${target.padEnd(10)}${pad(result.perSecond, 9)}${pad(result.p50Ms, 9)}${pad(result.p99Ms, 9)}${pad(result.maxMs, 9)}` +
      `${pad(result.errors, 8)}${pad(`${before.rssMb} → ${after.rssMb}`, 22)}`,
  );
}
const sim = rows.find((row) => row.target === 'simulator')!.result;
const stock = rows.find((row) => row.target === 'stock')!.result;
console.log(
  `\nsimulator vs stock: ${(sim.perSecond / stock.perSecond).toFixed(1)}×; ` +
    `goals: ≥10000 req/s ${sim.perSecond >= 10_000 ? 'met' : 'MISSED'}, ≥3× stock ${sim.perSecond >= 3 * stock.perSecond ? 'met' : 'MISSED'}, ` +
    `p99 < 10 ms ${sim.p99Ms < 10 ? 'met' : 'MISSED'}; non-zero StatusCodes from the simulator: ${sim.nonZeroStatusCodes}`,
);

if (soakRequests > 0) {
  console.log(
    `\nsoak: ${soakRequests} requests against the simulator (purchases cleared every 100000, journal kept)`,
  );
  const { rounds } = await soak();
  for (const round of rounds) {
    console.log(
      `${pad(round.requests, 9)} requests  RSS ${pad(round.memory.rssMb, 6)} MB  heap ${pad(round.memory.heapUsedMb, 6)} MB` +
        `  journal ${round.memory.journalSize ?? '-'}${round.perSecond ? `  ${round.perSecond} req/s` : ''}`,
    );
  }
  const first = rounds[1]?.memory.rssMb ?? 0;
  const last = rounds.at(-1)?.memory.rssMb ?? 0;
  console.log(`RSS after the first 100k → after ${rounds.at(-1)?.requests}: ${first} → ${last} MB`);
}
