/**
 * `npm run bench:stack`: the stack's speed on this machine, printed as a table — a benchmark, never a
 * timed test. Measures cold boot to ready, the 7-seller routing pass after boot, the whole
 * `npm run phase6`, and growth with 7, 70 and 700 generated sellers × 10 orders (time and memory per
 * order).
 *   npx tsx bench/stack.ts [--sizes 7,70,700] [--orders 10] [--concurrency 8] [--skip-phase6]
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { bootStack } from '../stack/stack.ts';
import { generatedSellers } from './stack/generated-sellers.ts';
import { placeOrders } from './stack/orders.ts';
import { cpuSnapshot, cpuSpentByProgram } from './stack/cpu.ts';
import { groupRssMb } from './stack/rss.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '7,70,700' },
    orders: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '8' },
    'skip-phase6': { type: 'boolean', default: false },
  },
});
const sizes = values.sizes.split(',').map(Number);
const perSeller = Number(values.orders);
const concurrency = Number(values.concurrency);
const rows: string[][] = [];

// 1. Cold boot and the 7-seller routing pass.
{
  const stack = await bootStack({ seed: 1 });
  try {
    const routing = await placeOrders(stack.info, generatedSellers(7), 1, 7);
    rows.push(['cold boot to ready', `${stack.info.bootMs} ms`, 'goal < 3 s']);
    rows.push([
      '7-seller routing pass after boot',
      `${routing.wallMs} ms (${routing.wrong} wrong, ${routing.failed} failed)`,
      'goal < 5 s',
    ]);
  } finally {
    await stack.stop();
  }
}

// 2. The whole `npm run phase6`, as a user runs it.
if (!values['skip-phase6']) {
  const started = performance.now();
  const run = spawnSync('npm', ['run', '--silent', 'phase6', '--', '--quiet'], { stdio: 'ignore' });
  rows.push([
    'npm run phase6 (whole)',
    `${((performance.now() - started) / 1000).toFixed(1)} s (exit ${run.status})`,
    'goal < 30 s',
  ]);
}

// 3. Growth with the number of sellers.
for (const size of sizes) {
  const sellers = generatedSellers(size);
  const stack = await bootStack({ seed: 1, sellers });
  try {
    const cpuBefore = cpuSnapshot();
    const result = await placeOrders(stack.info, sellers, perSeller, concurrency);
    const cpu = cpuSpentByProgram(cpuBefore, cpuSnapshot());
    const rssMb = groupRssMb();
    rows.push([
      `${size} sellers × ${perSeller} orders`,
      `${(result.wallMs / 1000).toFixed(1)} s, ${(result.wallMs / result.orders).toFixed(1)} ms/order, ${rssMb} MB RSS (${(
        (rssMb * 1024) /
        result.orders
      ).toFixed(1)} KB/order), boot ${stack.info.bootMs} ms, ${result.wrong} wrong, ${result.failed} failed`,
      size === 700 ? 'goal < 60 s, linear' : 'linear',
    ]);
    const cpuTotal = [...cpu.values()].reduce((sum, ms) => sum + ms, 0);
    rows.push([
      '  CPU per order',
      `${(cpuTotal / result.orders).toFixed(1)} ms (${[...cpu]
        .filter(([, ms]) => ms > 0)
        .sort((a, b) => b[1] - a[1])
        .map(([program, ms]) => `${program} ${(ms / result.orders).toFixed(1)}`)
        .join(', ')})`,
      `÷ ${cpus().length} cores = floor on wall ms/order`,
    ]);
  } finally {
    await stack.stop();
  }
}

const width = Math.max(...rows.map((row) => row[0]!.length));
console.log(
  `\nbench:stack on ${process.platform}/${process.arch}, ${cpus().length} cores, node ${process.version}`,
);
for (const [what, figure, goal] of rows) console.log(`  ${what!.padEnd(width)}  ${figure}   (${goal})`);
