/**
 * The stack's images, built from docker/ with `compose build` once per harness process before the
 * first boot (so a boot measures starting, not building; docker's layer cache makes later builds
 * cheap), with the run's compose files: the run's file gives the base images as build args,
 * docker-compose.host.yml the host network for builds on an engine without a bridge. The base
 * images are the public ones unless this machine made local ones (.ci/docker-engine.sh, for engines
 * that cannot reach a registry).
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { imageExists, type ComposeCommand } from './runtime.ts';
import type { NetworkMode } from './settings.ts';

export interface ImageSettings {
  /** What the images build FROM (KASPI_HARNESS_BASE_IMAGE, else the local base image, else Debian's). */
  baseImage: string;
  /** Where the simulators image takes Node 20 from: the local node image, else the public one. */
  nodeImage: string;
}

export const localBaseImage = 'local/debian:bookworm';
export const localNodeImage = 'local/node:20';

export async function imageSettings(env: NodeJS.ProcessEnv): Promise<ImageSettings> {
  const localOr = async (local: string, fallback: string): Promise<string> =>
    (await imageExists(local)) ? local : fallback;
  return {
    baseImage: env.KASPI_HARNESS_BASE_IMAGE || (await localOr(localBaseImage, 'debian:bookworm-slim')),
    nodeImage: await localOr(localNodeImage, 'node:20-bookworm-slim'),
  };
}

const builds = new Map<string, Promise<number>>();

/**
 * `compose build` with a run's compose `files`; resolves with the time taken. One build per process,
 * images and network mode (what in the files matters to a build): parallel stacks share it. The
 * output goes to `logFile`.
 */
export function buildImages(
  compose: ComposeCommand,
  composeDir: string,
  run: { files: readonly string[]; images: ImageSettings; networkMode: NetworkMode },
  logFile: string,
): Promise<number> {
  const buildKey = JSON.stringify({ images: run.images, networkMode: run.networkMode });
  let build = builds.get(buildKey);
  if (!build) {
    build = runBuild(compose, composeDir, run.files, logFile);
    builds.set(buildKey, build);
    build.catch(() => builds.delete(buildKey));
  }
  return build;
}

async function runBuild(
  compose: ComposeCommand,
  composeDir: string,
  files: readonly string[],
  logFile: string,
): Promise<number> {
  const started = Date.now();
  const log = createWriteStream(logFile, { flags: 'a' });
  const args = [...compose.baseArgs, ...files.flatMap((file) => ['-f', file]), 'build'];
  const child = spawn(compose.command, args, {
    cwd: composeDir,
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
