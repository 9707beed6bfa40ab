import { parseArgs } from 'node:util';
import { chooseStackKind } from '../../stack/docker/choose.ts';
import { serviceLogs } from '../../stack/service-logs.ts';
import { bootStackWith, type Stack } from '../../stack/stack.ts';
import { announceUp } from '../../stack/up-state.ts';
import { UsageError, type Command } from '../command.ts';
import { allowDirFlags, parseRunOptions, runFlags, runFlagsHelp, stackOptionsOf } from '../run-options.ts';
import { interruptOnSignal } from '../interrupt.ts';
import { stackUrls } from '../up-stacks.ts';
import { untilSignal } from '../wait-for-signal.ts';

const upFlags = { 'allow-dir': { type: 'string', multiple: true } } as const;

export const upCommand: Command = {
  name: 'up',
  help: `Usage: kaspi-harness up [options]

Boots the whole stack on loopback and keeps it up until Ctrl-C, SIGTERM or \`kaspi-harness down\`.
Prints the storefront, simulator, dashboard and control URLs. With --json, prints exactly one line,
{"ready":true,...} with the stack's coordinates, which \`run --stack external --stack-file\` accepts.

While it is up, a state file in $TMPDIR/kaspi-harness-up-UID records the working directory it was
started from, its URLs, where its services log and its pid: from the same directory,
\`kaspi-harness status\`, \`logs\`, \`chaos\` and \`down\` find it without being told.

Options:
  --json               one JSON ready line instead of the table
  --allow-dir DIR      a directory besides the working one that an OpenAPI profile file named over the
                       payment-service control API may be read from (repeatable; native stack only)
${runFlagsHelp}`,
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: { ...runFlags, ...upFlags }, strict: true });
    const options = await parseRunOptions(argv, upFlags);
    const allowDirs = allowDirFlags(values['allow-dir']);
    const log =
      options.json || options.quiet ? () => undefined : (line: string) => console.error(`[stack] ${line}`);
    if (options.stack === 'external')
      throw new UsageError('up boots a stack: --stack external makes no sense here');
    const kind = await chooseStackKind(options.stack === 'auto' ? undefined : options.stack);
    if (allowDirs && kind === 'docker')
      throw new UsageError(
        '--allow-dir: the docker stack\'s payment-service runs in a container and cannot read host directories; send the OpenAPI document\'s JSON itself ({"profile":{"openapi":{…}}})',
      );
    const interrupt = interruptOnSignal(log);
    let stack: Stack;
    try {
      stack = await bootStackWith(kind, {
        ...stackOptionsOf(options),
        allowDirs,
        log,
        signal: interrupt.signal,
      });
    } catch (error) {
      interrupt.release();
      const interrupted = interrupt.exitCode();
      if (interrupted !== undefined) return interrupted;
      throw error;
    }
    // A stack whose logs cannot be listed is still up: `logs` then says it knows of none.
    const logs = await serviceLogs(stack.info).catch(() => []);
    // Handlers first, then the state and the ready line: whoever reads them may signal at once, and
    // a SIGTERM that arrived before Node handled it would end the process with the stack still running.
    let forget = (): void => undefined;
    const stopped = untilSignal(async () => {
      try {
        await stack.stop();
      } finally {
        // Only now: `down` waits for this process to end, `status` shows the stack until it has stopped.
        forget();
      }
    }, log);
    forget = announceUp(stack.info, logs);
    interrupt.release();
    if (options.json) {
      console.log(JSON.stringify({ ready: true, pid: process.pid, ...stack.info }));
    } else {
      console.log(`Stack up in ${stack.info.bootMs} ms (run ${stack.info.runId}):`);
      for (const [name, url] of stackUrls(stack.info)) console.log(`  ${name.padEnd(30)} ${url}`);
      console.log('Ctrl-C or `kaspi-harness down` stops it.');
    }
    return stopped;
  },
};
