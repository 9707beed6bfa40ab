import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { followAppends, type LogWatcher } from '../../platform/follow-file.ts';
import { stackGone, type ServiceLog, type UpRecord } from '../../stack/up-state.ts';
import { integerFlag, UsageError, type Command } from '../command.ts';
import { didYouMean } from '../suggest.ts';
import { ownStack } from '../up-stacks.ts';

/** Each line of `text` as printed: prefixed with its service when several are shown together. */
type Printer = (service: string, text: string) => void;

function printerFor(logs: readonly ServiceLog[]): Printer {
  if (logs.length === 1) return (_service, text) => console.log(text);
  const width = Math.max(...logs.map((log) => log.service.length));
  return (service, text) => {
    for (const line of text.split('\n')) console.log(`${service.padEnd(width)} | ${line}`);
  };
}

const lastLines = (text: string, count: number | undefined): string =>
  count === undefined ? text : count === 0 ? '' : text.split('\n').slice(-count).join('\n');

/**
 * Prints what the file holds (its last `lines`); returns the byte offset following starts from: the
 * end of its last complete line, so a line being written is printed once, whole.
 */
function printFile(
  log: { service: string; file: string },
  lines: number | undefined,
  print: Printer,
): number {
  let content: Buffer;
  try {
    content = readFileSync(log.file);
  } catch {
    return 0; // not written yet
  }
  const end = content.lastIndexOf('\n') + 1;
  const complete = content.subarray(0, end).toString('utf8').replace(/\n$/, '');
  const shown = complete && lastLines(complete, lines);
  if (shown) print(log.service, shown);
  return end;
}

/** `docker logs` of a container, line by line; resolves when it ends (with --follow: when stopped). */
function containerLog(
  log: { service: string; container: string },
  options: { lines?: number; follow: boolean },
  print: Printer,
): { done: Promise<void>; stop(): void } {
  const args = [
    'logs',
    ...(options.follow ? ['--follow'] : []),
    ...(options.lines === undefined ? [] : ['--tail', String(options.lines)]),
    log.container,
  ];
  const child = spawn('docker', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // docker logs writes the container's stderr to its own stderr: both are the service's log.
  for (const stream of [child.stdout, child.stderr])
    createInterface({ input: stream }).on('line', (line) => print(log.service, line));
  const done = new Promise<void>((resolve) => {
    child.once('error', (error) => {
      print(log.service, `(cannot run docker logs: ${error.message})`);
      resolve();
    });
    child.once('close', () => resolve());
  });
  return { done, stop: () => child.kill('SIGTERM') };
}

/** Follows until the stack stops or Ctrl-C; resolves with the exit code. */
async function follow(
  record: UpRecord,
  logs: readonly ServiceLog[],
  offsets: Map<string, number>,
  lines: number | undefined,
  print: Printer,
): Promise<number> {
  const watchers: LogWatcher[] = [];
  const containers: ReturnType<typeof containerLog>[] = [];
  for (const log of logs) {
    if ('file' in log)
      watchers.push(
        followAppends(log.file, (text) => print(log.service, text), { from: offsets.get(log.file) ?? 0 }),
      );
    else containers.push(containerLog(log, { lines, follow: true }, print));
  }
  return new Promise((resolve) => {
    const finish = (code: number, note?: string) => {
      clearInterval(poll);
      process.off('SIGINT', interrupted);
      process.off('SIGTERM', interrupted);
      for (const watcher of watchers) watcher.stop();
      for (const container of containers) container.stop();
      if (note) console.error(note);
      resolve(code);
    };
    const interrupted = () => finish(0);
    process.on('SIGINT', interrupted);
    process.on('SIGTERM', interrupted);
    // A file created after we started (no watch on it yet) and machines without inotify are read on
    // this beat too; it also notices when the stack is gone.
    const poll = setInterval(() => {
      for (const watcher of watchers) watcher.flush();
      if (stackGone(record)) finish(0, `the stack (pid ${record.pid}) has stopped`);
    }, 500);
  });
}

export const logsCommand: Command = {
  name: 'logs',
  help: `Usage: kaspi-harness logs [--service NAME] [--follow] [--lines N] [--pid N]

Prints the logs of the services of the stack that \`kaspi-harness up\` started from this working
directory: natively every log its processes write (MariaDB's mariadbd, postgres, bitrix-php: PHP's
own log) and the Bitrix logs the guide points to (__bx_log, kaspi_payment_service); in the docker
stack each container's output and the same Bitrix logs. Lines of several logs are prefixed with
their name. \`kaspi-harness status\` lists the names. The simulators keep journals, not logs: the Kaspi
dashboard and both control APIs show them (\`kaspi-harness status\` prints their URLs).

Options:
  --service NAME   only this log (e.g. postgres, kaspi_payment_service)
  --follow         keep printing what is appended, until Ctrl-C or until the stack stops
  --lines N        only the last N lines of each log (then, with --follow, what comes)
  --pid N          the stack of that \`kaspi-harness up\` process instead (\`kaspi-harness status --all\`)`,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        service: { type: 'string' },
        follow: { type: 'boolean', default: false },
        lines: { type: 'string' },
        pid: { type: 'string' },
      },
      strict: true,
    });
    const lines = integerFlag('lines', values.lines);
    if (lines !== undefined && lines < 0) throw new UsageError('--lines must be 0 or more');
    const record = ownStack({ pid: integerFlag('pid', values.pid), choose: 'choose one with --pid N' });
    const known = record.logs ?? [];
    if (known.length === 0)
      throw new Error(
        `the stack of pid ${record.pid} recorded no logs (an older version started it): they are under ${record.info.runDir}`,
      );
    let logs = known;
    if (values.service !== undefined) {
      const wanted = values.service.replace(/\.log$/, '');
      logs = known.filter((log) => log.service === wanted);
      const names = known.map((log) => log.service);
      if (logs.length === 0)
        throw new UsageError(
          `--service ${values.service}: no such log${didYouMean(wanted, names)} (this stack's: ${names.join(', ')})`,
        );
    }
    const print = printerFor(logs);
    const offsets = new Map<string, number>();
    for (const log of logs) {
      if ('file' in log) offsets.set(log.file, printFile(log, lines, print));
      else if (!values.follow) await containerLog(log, { lines, follow: false }, print).done;
    }
    return values.follow ? follow(record, logs, offsets, lines, print) : 0;
  },
};
