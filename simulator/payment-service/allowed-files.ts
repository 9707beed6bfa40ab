/**
 * Files a control API may be asked to read (an OpenAPI document for `PUT /control/profile`): only
 * from the simulator's working directory or a directory it was started with (`--allow-dir`), whoever
 * asks. The answer to a refused or failed read names the problem and the path the caller gave, never
 * the file's content, and a path outside those directories is refused before anything looks at it,
 * so the answer does not tell whether it exists either.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';

/** Large enough for any real OpenAPI document, small enough that no one fills memory with one. */
export const maxAllowedFileBytes = 1024 * 1024;

/** A read the caller may be told about: the message has no file content in it. */
export class FileRefused extends Error {
  override readonly name = 'FileRefused';
}

const inside = (dir: string, path: string): boolean => {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/** The working directory and the `--allow-dir` ones, as real paths (a directory that is gone is skipped). */
export function allowedDirectories(extra: readonly string[] = [], cwd = process.cwd()): string[] {
  const dirs: string[] = [];
  for (const dir of [cwd, ...extra]) {
    try {
      dirs.push(realpathSync(resolve(cwd, dir)));
    } catch {
      // Not there (any more): nothing in it can be read anyway.
    }
  }
  return dirs;
}

/** Reads `path` (relative to `cwd`) as UTF-8 if it is a regular file in one of `dirs`. */
export function readAllowedFile(path: string, dirs: readonly string[], cwd = process.cwd()): string {
  const shown = JSON.stringify(path.slice(0, 200));
  const outside = new FileRefused(
    `${shown} is outside the directories this simulator may read (its working directory and --allow-dir ones): send the document's JSON itself, or start the simulator with --allow-dir`,
  );
  if (path.includes('\0')) throw new FileRefused(`${shown} is not a file path`);
  const asked = resolve(cwd, path);
  // Refused before the file system is asked anything: the answer must not depend on what is there.
  if (!dirs.some((dir) => inside(dir, asked))) throw outside;
  let real: string;
  try {
    real = realpathSync(asked);
  } catch {
    throw new FileRefused(`no file at ${shown}`);
  }
  // A symbolic link inside that leads outside is outside.
  if (!dirs.some((dir) => inside(dir, real))) throw outside;
  let fd: number;
  try {
    // Non-blocking: a FIFO would otherwise hold the control API until someone writes to it.
    fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    throw new FileRefused(`${shown} cannot be read`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new FileRefused(`${shown} is not a regular file`);
    if (stat.size > maxAllowedFileBytes)
      throw new FileRefused(`${shown} is over ${maxAllowedFileBytes / 1024 / 1024} MiB`);
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < buffer.length) {
      const count = readSync(fd, buffer, read, buffer.length - read, read);
      if (count === 0) break;
      read += count;
    }
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
