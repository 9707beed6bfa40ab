import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { publishBootFailure, publishStackInfo, readStackInfo } from './stack-file.ts';
import type { StackInfo } from './stack.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function stackFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kaspi-harness-stack-file-test-'));
  dirs.push(dir);
  return join(dir, 'routing.json');
}

const info = { runId: 'r1', bitrix: { url: 'http://127.0.0.1:1' } } as unknown as StackInfo;

describe('a stack file another process publishes', () => {
  it('a pending reader waits until the stack is up, then reads it', async () => {
    const file = stackFile();
    const reading = readStackInfo(file, { pending: true });
    await sleep(100);
    publishStackInfo(file, info);
    await expect(reading).resolves.toEqual(info);
  });

  it("a pending reader fails with the boot's reason when the boot failed", async () => {
    const file = stackFile();
    const reading = readStackInfo(file, { pending: true });
    publishBootFailure(file, new Error('MariaDB exited unexpectedly (code 1)'));
    await expect(reading).rejects.toThrow('the stack did not boot: MariaDB exited unexpectedly (code 1)');
  });

  it('a pending reader gives up after its timeout, naming the file', async () => {
    const file = stackFile();
    await expect(readStackInfo(file, { pending: true, timeoutMs: 100 })).rejects.toThrow(file);
  });

  it('a reader not told to wait fails at once on a missing file', async () => {
    await expect(readStackInfo(stackFile())).rejects.toThrow(/ENOENT/);
  });
});
