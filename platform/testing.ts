/**
 * A partial stack for one test file (vitest): assembled before the file's tests, stopped after them,
 * newest part first. The returned object is filled in when the file's tests start.
 *
 *   const parts = useParts(
 *     assemble()
 *       .with('dir', () => scratchDir('kh-checkout-'))
 *       .with('mariadb', ({ dir }) => startMariadb({ runDir: dir.path }))
 *       .with('bitrix', ({ dir, mariadb }) => startBitrix({ runDir: dir.path, mariadb })),
 *   );
 *   it('…', () => parts.bitrix.url);
 */
import { afterAll, beforeAll } from 'vitest';
import type { Assembly, Running } from './lifecycle.ts';

export function useParts<Parts extends object>(assembly: Assembly<Parts>, startTimeoutMs = 60_000): Parts {
  const parts = {} as Parts;
  let started: (Parts & Running) | undefined;
  beforeAll(async () => {
    started = await assembly.start();
    Object.assign(parts, started);
  }, startTimeoutMs);
  afterAll(() => started?.stop(), startTimeoutMs);
  return parts;
}
