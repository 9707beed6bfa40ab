/**
 * Child processes of the stack. Each runs in its own process group (detached), so stopping it ends
 * every process it started too (php -S workers, for one), and never anything else: we signal only
 * the groups we created, by pid.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ManagedProcessOptions {
  /** Short name used in messages and log file names ("mariadb", "php"). */
  name: string;
  command: string;
  args: string[];
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run as this system user (through runuser); PostgreSQL refuses to run as root. */
  user?: string;
  /** Called with the pid group as soon as it exists, so a crash of the harness can be cleaned up later. */
  onSpawn?: (pid: number) => void;
  /**
   * Open descriptors the child gets as fd 3, 4, …: a listening socket the harness bound (the network
   * namespace gateway accepts on it from inside, platform/netns).
   */
  inheritFds?: readonly number[];
  /**
   * Opens a Node IPC channel to the child (after the inherited descriptors) and receives its
   * messages, with the handle one may carry: the network namespace gateway sends the listening
   * sockets it made inside the namespace this way.
   */
  onMessage?: (message: unknown, handle: unknown) => void;
}

type SpawnListener = (pid: number, name: string) => void;
const spawnListeners = new Set<SpawnListener>();

/**
 * Tells the listener about every process group started from now on, so a run can record them for
 * cleanup after a crash without each service starter having to pass a hook along.
 */
export function onProcessSpawn(listener: SpawnListener): () => void {
  spawnListeners.add(listener);
  return () => spawnListeners.delete(listener);
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class ManagedProcess {
  readonly name: string;
  readonly logFile: string;
  readonly pid: number;
  /** Resolves when the process exits, however it exits. */
  readonly exited: Promise<ExitInfo>;
  private stopping = false;
  private exitInfo: ExitInfo | undefined;
  private readonly child: ChildProcess;
  private readonly log: WriteStream;

  constructor(options: ManagedProcessOptions) {
    this.name = options.name;
    this.logFile = options.logFile;
    this.log = createWriteStream(options.logFile, { flags: 'a' });
    const [command, args] = options.user
      ? ['runuser', ['-u', options.user, '--', options.command, ...options.args]]
      : [options.command, options.args];
    const spawnOptions: SpawnOptions = {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: [
        'ignore',
        'pipe',
        'pipe',
        ...(options.inheritFds ?? []),
        ...(options.onMessage ? ['ipc' as const] : []),
      ],
    };
    this.child = spawn(command, args, spawnOptions);
    if (options.onMessage) this.child.on('message', options.onMessage);
    if (this.child.pid === undefined) {
      throw new Error(`${this.name}: could not start ${command}`);
    }
    this.pid = this.child.pid;
    options.onSpawn?.(this.pid);
    for (const listener of spawnListeners) listener(this.pid, this.name);
    this.child.stdout?.pipe(this.log, { end: false });
    this.child.stderr?.pipe(this.log, { end: false });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
      this.child.once('error', (error) => {
        this.log.write(`\n[harness] ${this.name} failed to start: ${error.message}\n`);
        this.exitInfo = { code: 127, signal: null };
        resolve(this.exitInfo);
      });
    });
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** A promise that rejects when the process dies before stop() was asked for. */
  unexpectedExit(): Promise<never> {
    return this.exited.then((info) => {
      if (this.stopping) return new Promise<never>(() => undefined);
      throw new Error(
        `${this.name} exited unexpectedly (${info.signal ?? `code ${info.code}`}). Last log lines:\n${this.tail(15)}`,
      );
    });
  }

  tail(lines = 20): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** SIGTERM to the whole group, SIGKILL after the grace period. Safe to call twice. */
  async stop(graceMs = 3_000): Promise<void> {
    this.stopping = true;
    if (this.running) {
      signalGroup(this.pid, 'SIGTERM');
      const exitedInTime = await Promise.race([
        this.exited.then(() => true),
        sleep(graceMs, undefined, { ref: false }).then(() => false),
      ]);
      if (!exitedInTime) signalGroup(this.pid, 'SIGKILL');
      await this.exited;
    }
    // Workers of the group may outlive its leader (php -S); end them too, and return only once they
    // are gone (SIGKILL is delivered asynchronously: on a busy machine a worker was still exiting
    // when stop() returned). Bounded: a member stuck in the kernel must not hang the harness.
    signalGroup(this.pid, 'SIGKILL');
    for (let waited = 0; waited < 2_000 && groupHasLiveMembers(this.pid); waited += 20) {
      await sleep(20, undefined, { ref: false });
    }
    if (!this.log.closed) {
      this.log.end();
      await once(this.log, 'close').catch(() => undefined);
    }
  }
}

/**
 * Whether any process of group `pgid` is still alive. Zombies do not count: an orphaned php -S
 * worker stays one until init reaps it, which here can take over a second, and holds nothing.
 */
function groupHasLiveMembers(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true; // no /proc: the group answered signal 0, so something of it is there
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(group) === pgid && state !== 'Z') return true;
    } catch {
      // ended while we looked
    }
  }
  return false;
}

/** Signal 0 only asks whether any process of the group is still there. */
export function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `program` to its end with `input` on stdin; its exit code and whatever it printed. */
export function runCollecting(
  program: string,
  argv: readonly string[],
  options: {
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    input?: string;
    /** Kills the command (SIGKILL) when aborted; the promise then rejects. */
    signal?: AbortSignal;
  } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    options.signal?.throwIfAborted();
    const child = spawn(program, argv, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: 'pipe',
      signal: options.signal,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // An abort emits 'error' at once, while the command is still exiting: settle on 'close' then,
    // so the caller never cleans up around a command that still writes (a template copy).
    child.on('error', (error) => {
      if (!options.signal?.aborted) reject(error);
    });
    child.on('close', (code) => {
      if (options.signal?.aborted) reject(options.signal.reason as Error);
      else resolve({ code: code ?? -1, stdout, stderr });
    });
    // A command may exit without reading its input (or be killed first): not an error of ours, and
    // unhandled it would end this process (EPIPE).
    child.stdin.on('error', () => undefined);
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

/** Runs a command to completion and returns its output; throws with the output on failure. */
export async function runToCompletion(
  command: string,
  args: string[],
  options: {
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    user?: string;
    input?: string;
    /** Kills the command (SIGKILL) when aborted; the promise then rejects. */
    signal?: AbortSignal;
  } = {},
): Promise<string> {
  const [program, argv] = options.user
    ? ['runuser', ['-u', options.user, '--', command, ...args]]
    : [command, args];
  const { code, stdout, stderr } = await runCollecting(program, argv, options);
  const output = stdout + stderr;
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${code}):\n${output.trim()}`);
  return output;
}
