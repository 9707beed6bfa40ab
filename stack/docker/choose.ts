/**
 * Which provider boots the stack when the user did not say (`--stack native|docker`): native when
 * this machine has PHP, MariaDB and PostgreSQL, else docker when a container runtime answers ("only
 * Docker is available"), else native, whose own errors then say what to install.
 */
import { findExecutable } from '../../platform/mariadb.ts';
import { findPostgresBinDir } from '../../platform/postgres.ts';
import { dockerAvailable } from './runtime.ts';

export type StackKind = 'native' | 'docker';

export function nativeDependenciesPresent(): boolean {
  const hasPostgres = (() => {
    try {
      findPostgresBinDir();
      return true;
    } catch {
      return false;
    }
  })();
  return hasPostgres && findExecutable('php') !== undefined && findExecutable('mariadbd') !== undefined;
}

export async function chooseStackKind(requested?: string): Promise<StackKind> {
  if (requested === 'native' || requested === 'docker') return requested;
  if (requested !== undefined) throw new Error(`--stack must be native or docker, got ${requested}`);
  if (nativeDependenciesPresent()) return 'native';
  return (await dockerAvailable()) ? 'docker' : 'native';
}
