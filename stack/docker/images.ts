/**
 * The stack's images, built from docker/ with `compose build` once per harness process before the
 * first boot (so a boot measures starting, not building; docker's layer cache makes later builds
 * cheap). The base images are the public ones unless this machine made local ones
 * (.ci/docker-engine.sh, for engines that cannot reach a registry).
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { imageExists, type ComposeCommand } from './runtime.ts';

export interface ImageSettings {
  baseImage: string;
  nodeImage: string;
  buildNetwork: 'default' | 'host';
}

export const localBaseImage = 'local/debian:bookworm';
export const localNodeImage = 'local/node:20';

export async function imageSettings(env: NodeJS.ProcessEnv, hostNetwork: boolean): Promise<ImageSettings> {
  const pick = async (variable: string, local: string, fallback: string): Promise<string> =>
    env[variable] || ((await imageExists(local)) ? local : fallback);
  return {
    baseImage: await pick('KASPI_HARNESS_BASE_IMAGE', localBaseImage, 'debian:bookworm-slim'),
    nodeImage: await pick('KASPI_HARNESS_NODE_IMAGE', localNodeImage, 'node:20-bookworm-slim'),
    // Without a bridge network, `apt-get` and `npm ci` in a build can only use the host's network.
    buildNetwork: env.KASPI_HARNESS_BUILD_NETWORK === 'host' || hostNetwork ? 'host' : 'default',
  };
}

export function imageEnvironment(settings: ImageSettings): Record<string, string> {
  return {
    KASPI_HARNESS_BASE_IMAGE: settings.baseImage,
    KASPI_HARNESS_NODE_IMAGE: settings.nodeImage,
    KASPI_HARNESS_BUILD_NETWORK: settings.buildNetwork,
  };
}

const builds = new Map<string, Promise<number>>();

/**
 * `compose build` with the settings' base images; resolves with the time taken. One build per
 * process and settings: parallel stacks share it. The output goes to `logFile`.
 */
export function buildImages(
  compose: ComposeCommand,
  composeDir: string,
  env: Record<string, string>,
  logFile: string,
): Promise<number> {
  const key = JSON.stringify(env);
  let build = builds.get(key);
  if (!build) {
    build = runBuild(compose, composeDir, env, logFile);
    builds.set(key, build);
    build.catch(() => builds.delete(key));
  }
  return build;
}

async function runBuild(
  compose: ComposeCommand,
  composeDir: string,
  env: Record<string, string>,
  logFile: string,
): Promise<number> {
  const started = Date.now();
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(compose.command, [...compose.baseArgs, '-f', 'docker-compose.yml', 'build'], {
    cwd: composeDir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  child.on('error', (error) => (tail += `\n${error.message}`));
  const keep = (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-4_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const [code] = (await once(child, 'close')) as [number | null];
  log.end();
  if (code !== 0) {
    const last = tail.trim().split('\n').slice(-12).join('\n');
    throw new Error(`building the stack's images failed (exit ${code}); see ${logFile}:\n${last}`);
  }
  return Date.now() - started;
}
