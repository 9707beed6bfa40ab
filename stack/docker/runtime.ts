/**
 * Is there a container runtime, and how do we talk compose to it? `docker info` is the question
 * users ask themselves, so it is ours too; compose is the plugin (`docker compose`) when there is
 * one, else the standalone `docker-compose` (1.29 on Debian 12, which these CI machines use).
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const noRuntimeMessage =
  'No container runtime answers (docker info failed): start Docker or use --stack native';

/** Runs a command; resolves with its stdout, or undefined when it fails or is missing. */
export async function tryRun(
  command: string,
  args: readonly string[],
  timeoutMs = 15_000,
): Promise<string | undefined> {
  try {
    const { stdout } = await run(command, [...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch {
    return undefined;
  }
}

/**
 * A container's output, stdout and stderr together, in about the order they came (`docker logs`
 * writes them back to its own stdout and stderr: reading only stdout loses every error message), or
 * undefined when the container is gone.
 */
export function containerLogs(
  container: string,
  options: readonly string[] = [],
  timeoutMs = 10_000,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn('docker', ['logs', ...options, container], {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', () => resolve(undefined));
    child.on('close', (code) => resolve(code === 0 ? Buffer.concat(chunks).toString() : undefined));
  });
}

export async function dockerAvailable(): Promise<boolean> {
  return (await tryRun('docker', ['info', '--format', '{{.ServerVersion}}'])) !== undefined;
}

export interface ComposeCommand {
  /** testcontainers' `executable.standalone`: the `docker-compose` binary instead of `docker compose`. */
  standalone: boolean;
  command: string;
  baseArgs: string[];
  /** compose v1 names containers `project_service_1`, v2 `project-service-1`. */
  containerName(project: string, service: string): string;
  /** The key testcontainers matches wait strategies against (it strips a `project-` prefix only). */
  waitKey(project: string, service: string): string;
}

let detected: Promise<ComposeCommand> | undefined;

export function composeCommand(): Promise<ComposeCommand> {
  detected ??= (async () => {
    if ((await tryRun('docker', ['compose', 'version', '--short'])) !== undefined) {
      return {
        standalone: false,
        command: 'docker',
        baseArgs: ['compose'],
        containerName: (project, service) => `${project}-${service}-1`,
        waitKey: (_project, service) => `${service}-1`,
      };
    }
    if ((await tryRun('docker-compose', ['version', '--short'])) !== undefined) {
      return {
        standalone: true,
        command: 'docker-compose',
        baseArgs: [],
        containerName: (project, service) => `${project}_${service}_1`,
        waitKey: (project, service) => `${project}_${service}_1`,
      };
    }
    throw new Error(
      'Docker compose is missing: install the compose plugin or docker-compose, or use --stack native',
    );
  })();
  return detected.catch((error: unknown) => {
    detected = undefined;
    throw error;
  });
}

/** Engines without a bridge network (these CI machines) can only run containers on the host network. */
export async function hasBridgeNetwork(): Promise<boolean> {
  return (
    (await tryRun('docker', ['network', 'inspect', 'bridge', '--format', '{{.Driver}}']))?.trim() === 'bridge'
  );
}

export async function imageExists(image: string): Promise<boolean> {
  return (await tryRun('docker', ['image', 'inspect', '--format', '{{.Id}}', image])) !== undefined;
}
