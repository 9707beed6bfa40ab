import { parseArgs } from 'node:util';
import type { UpRecord } from '../../stack/up-state.ts';
import type { Command } from '../command.ts';
import { problemAt } from '../unreachable.ts';
import { describeStack, stackUrls, upStacks } from '../up-stacks.ts';

interface UrlState {
  name: string;
  url: string;
  answering: boolean;
  /** Why it does not answer ("connection refused"). */
  problem?: string;
}

async function urlStates(record: UpRecord): Promise<UrlState[]> {
  return Promise.all(
    stackUrls(record.info).map(async ([name, url]): Promise<UrlState> => {
      const problem = await problemAt(url);
      return { name, url, answering: problem === undefined, ...(problem ? { problem } : {}) };
    }),
  );
}

function printStack(record: UpRecord, urls: readonly UrlState[]): void {
  console.log(`Stack up: ${describeStack(record)}`);
  for (const { name, url, problem } of urls)
    console.log(`  ${name.padEnd(30)} ${url}${problem ? `   NOT ANSWERING (${problem})` : ''}`);
  const services = (record.logs ?? []).map((log) => log.service);
  if (services.length) console.log(`  logs: kaspi-harness logs [--service ${services.join('|')}]`);
}

export const statusCommand: Command = {
  name: 'status',
  help: `Usage: kaspi-harness status [--all] [--json]

Whether a stack that \`kaspi-harness up\` started from this working directory is up: its pid, how long
it has been up, its URLs (each one tried: a service that does not answer is marked so) and the names
of its logs (\`kaspi-harness logs\`).

Options:
  --all     every stack \`kaspi-harness up\` keeps running on this machine (of this user), from anywhere
  --json    one JSON object: {"up":true|false,"stacks":[{"pid","cwd","startedAt","ageSeconds","urls",
            "logs","info"}]} ("info": what \`up --json\` printed)

Exit code: 0 when a stack is up (from here, or anywhere with --all), 1 when none is.`,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { all: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
      strict: true,
    });
    const { here, elsewhere } = upStacks();
    const shown = values.all ? [...here, ...elsewhere] : here;
    const states = await Promise.all(shown.map(urlStates));
    if (values.json) {
      const stacks = shown.map((record, index) => ({
        pid: record.pid,
        cwd: record.cwd ?? null,
        startedAt: record.startedAt,
        ageSeconds: Math.round((Date.now() - Date.parse(record.startedAt)) / 1000),
        urls: states[index],
        logs: record.logs ?? [],
        info: record.info,
      }));
      console.log(JSON.stringify({ up: shown.length > 0, stacks }));
      return shown.length > 0 ? 0 : 1;
    }
    shown.forEach((record, index) => printStack(record, states[index]!));
    if (shown.length === 0) {
      console.log(values.all ? 'No stack is up.' : `No stack is up from ${process.cwd()}.`);
      if (elsewhere.length)
        console.log(
          `${elsewhere.length} up from other directories: \`kaspi-harness status --all\` lists ${elsewhere.length === 1 ? 'it' : 'them'}.`,
        );
    }
    return shown.length > 0 ? 0 : 1;
  },
};
