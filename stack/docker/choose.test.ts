import { describe, expect, it } from 'vitest';
import { chooseStackKind, nativeDependenciesPresent } from './choose.ts';

describe('chooseStackKind', () => {
  it('keeps what the user asked for', async () => {
    expect(await chooseStackKind('docker')).toBe('docker');
    expect(await chooseStackKind('native')).toBe('native');
  });

  it('refuses anything else in one line', async () => {
    await expect(chooseStackKind('podman-ish')).rejects.toThrow(
      '--stack must be native or docker, got podman-ish',
    );
  });

  it('prefers native when PHP, MariaDB and PostgreSQL are installed', async () => {
    if (nativeDependenciesPresent()) expect(await chooseStackKind()).toBe('native');
    else expect(['native', 'docker']).toContain(await chooseStackKind());
  });
});
