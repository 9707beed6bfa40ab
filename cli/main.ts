/**
 * kaspi-harness command line: dispatches to the commands in cli/commands/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commands } from './commands/index.ts';
import { UsageError } from './command.ts';
import { didYouMean } from './suggest.ts';

function overview(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    'kaspi-harness — end-to-end routing tests for Kaspi payments on a Bitrix marketplace',
    '',
    'Usage: kaspi-harness <command> [options]      kaspi-harness <command> --help',
    '       kaspi-harness --version',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Colour: on a terminal; NO_COLOR=1 turns it off everywhere, FORCE_COLOR=1 on when piped.',
  ].join('\n');
}

/** The version of the package this file belongs to: the repository's, or the installed one in node_modules. */
function version(): string {
  const manifest = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

/** The options a command documents in its help: what a mistyped option is compared with. */
function documentedOptions(help: string): string[] {
  return [...new Set(help.match(/--[a-z][a-z0-9-]*/g) ?? [])];
}

/** One line for a flag node's parseArgs refused, with the nearest documented option when there is one. */
function parseArgsMessage(error: Error & { code?: unknown }, help: string): string {
  const unknown = /^Unknown option '(-[^']*)'/.exec(error.message);
  if (error.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || !unknown) return error.message;
  const option = unknown[1]!;
  const nearest = option.startsWith('--') ? didYouMean(option, documentedOptions(help)) : '';
  return `Unknown option '${option}'${nearest}`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(overview());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    console.log(version());
    return 0;
  }
  const entry = commands.find((candidate) => candidate.name === name);
  if (!entry) {
    const names = [...commands.map((command) => command.name), 'help', 'version'];
    const nearest = didYouMean(name, names);
    console.error(
      `kaspi-harness: unknown command "${name}"${nearest || ' (kaspi-harness --help lists the commands)'}`,
    );
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.help);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    const parseArgsError =
      error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS');
    if (error instanceof UsageError || parseArgsError) {
      const message = parseArgsError ? parseArgsMessage(error, command.help) : error.message;
      console.error(`kaspi-harness ${name}: ${message} (see kaspi-harness ${name} --help)`);
      return 2;
    }
    // What went wrong, in the line the command wrote for it (cli/unreachable.ts, say): no stack trace.
    console.error(`kaspi-harness ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`kaspi-harness: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
