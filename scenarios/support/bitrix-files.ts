/** The stub's files as an operator on the server would see them: caches to clear, logs to tail. */
import { readFileSync, statSync } from 'node:fs';

/** Bytes of the file now, so that a later read returns only what was appended after this point. */
export function fileMark(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

export function appendedSince(path: string, mark: number): string {
  try {
    return readFileSync(path).subarray(mark).toString('utf8');
  } catch {
    return '';
  }
}
