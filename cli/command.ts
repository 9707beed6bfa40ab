import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

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

/**
 * `--allow-dir DIR` (repeatable): directories a simulator's control API may read a file from besides
 * the working directory, each checked to exist now, so a typo is a usage error and not a refusal later.
 */
export function allowDirFlags(raw: readonly string[] | undefined): string[] | undefined {
  if (!raw) return undefined;
  return raw.map((dir) => {
    const path = resolve(dir);
    if (!existsSync(path) || !statSync(path).isDirectory())
      throw new UsageError(`--allow-dir ${dir}: no such directory`);
    return path;
  });
}
