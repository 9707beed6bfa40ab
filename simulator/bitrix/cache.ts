/**
 * "Clear cache" as the Bitrix admin panel does it: empties bitrix/cache and bitrix/managed_cache of a
 * document root. Works from any process (scenario workers hold no reference to the running stub).
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

async function emptyDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const entry of await readdir(dir)) await rm(join(dir, entry), { recursive: true, force: true });
}

export async function clearBitrixCache(documentRoot: string): Promise<void> {
  await emptyDir(join(documentRoot, 'bitrix', 'cache'));
  await emptyDir(join(documentRoot, 'bitrix', 'managed_cache'));
}
