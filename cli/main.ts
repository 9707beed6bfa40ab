/**
 * kaspi-harness command line: dispatches to the commands in cli/commands/.
 */
import { commands } from './commands/index.ts';
import { UsageError } from './command.ts';

function overview(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    'kaspi-harness — end-to-end routing tests for Kaspi payments on a Bitrix marketplace',
    '',
    'Usage: kaspi-harness <command> [options]      kaspi-harness <command> --help',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(overview());
    return name === undefined ? 2 : 0;
  }
  const entry = commands.find((candidate) => candidate.name === name);
  if (!entry) {
    console.error(`kaspi-harness: unknown command "${name}"\n\n${overview()}`);
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
    if (
      error instanceof UsageError ||
      (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      console.error(`kaspi-harness ${name}: ${error.message} (see kaspi-harness ${name} --help)`);
      return 2;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`kaspi-harness: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
