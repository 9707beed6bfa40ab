/**
 * A StackInfo handed to another process as a file: `kaspi-harness up --json` users write one for
 * `--stack external`, and `phase6` boots its stacks itself while its two runners start, publishing
 * each stack's file once it is up (or a `.failed` file beside it when its boot fails). A runner
 * told that the file is pending waits for one of the two.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StackInfo } from './stack.ts';

const failedSuffix = '.failed';

/** Written whole or not at all (a waiting reader never sees half a file); only we may read it: it holds passwords. */
export function publishStackInfo(file: string, info: StackInfo): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(info), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

export function publishBootFailure(file: string, error: unknown): void {
  writeFileSync(`${file}${failedSuffix}`, error instanceof Error ? error.message : String(error));
}

/**
 * The StackInfo in `file`. With `pending`, waits for the booting process to publish it, and fails
 * with its reason when the boot failed.
 */
export async function readStackInfo(
  file: string,
  { pending = false, timeoutMs = 300_000 }: { pending?: boolean; timeoutMs?: number } = {},
): Promise<StackInfo> {
  const deadline = Date.now() + timeoutMs;
  while (pending && !existsSync(file)) {
    if (existsSync(`${file}${failedSuffix}`))
      throw new Error(`the stack did not boot: ${readFileSync(`${file}${failedSuffix}`, 'utf8')}`);
    if (Date.now() > deadline) throw new Error(`no stack appeared in ${file} within ${timeoutMs / 1000} s`);
    await sleep(20);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as StackInfo;
}
