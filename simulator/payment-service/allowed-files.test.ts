/**
 * What a control API may read: files in the working directory or an --allow-dir one, and nothing
 * that says what lies outside them (not even whether it exists) or what a file holds.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allowedDirectories, FileRefused, maxAllowedFileBytes, readAllowedFile } from './allowed-files.ts';

const root = mkdtempSync(join(tmpdir(), 'kh-allowed-'));
const cwd = join(root, 'project');
const extra = join(root, 'documents');
const outside = join(root, 'elsewhere');
for (const dir of [cwd, extra, outside]) mkdirSync(dir);
writeFileSync(join(cwd, 'openapi.json'), '{"paths":{}}');
writeFileSync(join(extra, 'other.json'), '{"paths":{"/health":{"get":{}}}}');
writeFileSync(join(outside, 'secret.txt'), 'root:x:0:0:secret');
symlinkSync(join(outside, 'secret.txt'), join(cwd, 'link-out.json'));
symlinkSync(join(outside, 'missing.txt'), join(cwd, 'dangling.json'));
execFileSync('mkfifo', [join(cwd, 'fifo.json')]);
writeFileSync(join(cwd, 'huge.json'), Buffer.alloc(maxAllowedFileBytes + 1, 0x20));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const dirs = allowedDirectories([extra], cwd);
const read = (path: string) => readAllowedFile(path, dirs, cwd);
const refusal = (path: string): string => {
  try {
    read(path);
  } catch (error) {
    expect(error).toBeInstanceOf(FileRefused);
    return (error as Error).message.replace(JSON.stringify(path), 'PATH');
  }
  throw new Error(`${path} was read`);
};

describe('readAllowedFile', () => {
  it('reads from the working directory (relative or absolute) and from --allow-dir ones', () => {
    expect(read('openapi.json')).toBe('{"paths":{}}');
    expect(read(join(cwd, 'openapi.json'))).toBe('{"paths":{}}');
    expect(read(join(extra, 'other.json'))).toContain('/health');
  });

  it('refuses anything outside in one answer, whether it exists or not, with no content', () => {
    const answers = [
      join(outside, 'secret.txt'),
      join(outside, 'no-such-file'),
      '/etc/passwd',
      '/etc/nothing-here',
      '../elsewhere/secret.txt',
      `${extra}/../elsewhere/secret.txt`,
    ].map(refusal);
    expect(new Set(answers)).toEqual(new Set([answers[0]]));
    expect(answers[0]).toMatch(/^PATH is outside the directories this simulator may read .*--allow-dir/);
    expect(answers[0]).not.toMatch(/root:|secret$/);
  });

  it('treats a link inside that leads outside as outside', () => {
    expect(refusal('link-out.json')).toBe(refusal(join(outside, 'secret.txt')));
  });

  it('names what is wrong inside without waiting on or reading it', () => {
    expect(refusal('missing.json')).toBe('no file at PATH');
    expect(refusal('dangling.json')).toBe('no file at PATH');
    expect(refusal('fifo.json')).toBe('PATH is not a regular file');
    expect(refusal('.')).toBe('PATH is not a regular file');
    expect(refusal('huge.json')).toBe('PATH is over 1 MiB');
    expect(refusal('open\0api.json')).toBe('PATH is not a file path');
  });

  it('allows only directories that exist, as their real paths', () => {
    expect(allowedDirectories([join(root, 'gone')], cwd)).toEqual([cwd]);
  });
});
