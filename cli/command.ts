/** A CLI command: its own flags, its own help, and an exit code. */
export interface Command {
  name: string;
  /** Full help: usage and every option. */
  help: string;
  run(argv: string[]): Promise<number>;
}

/** A command as the registry lists it: loaded only when it runs, so `--help` and each command start fast. */
export interface CommandEntry {
  name: string;
  /** One line for the command list. */
  summary: string;
  load(): Promise<Command>;
}

/** Thrown for bad flags: printed as one line with a pointer to --help, exit code 2. */
export class UsageError extends Error {}

export function integerFlag(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new UsageError(`--${name} must be an integer, got "${raw}"`);
  return value;
}
