/**
 * One lifecycle for every running part of a stack — a database, a simulator, the egress proxy, PHP:
 * started by its own `start…()` (which waits until it is ready, or throws having cleaned up), stopped
 * by `stop()`, which is idempotent (every caller awaits the same stop) and is also the part's
 * `Symbol.asyncDispose`, so `await using` works. Parts started together are stopped together, newest
 * first, by `Teardown`; `assemble()` builds a partial stack that way, for tests and small tools.
 */

export interface Running {
  /** Stops the part; asking again awaits the same stop. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * `part` with an idempotent `stop` (and `Symbol.asyncDispose`) made of `stop`; `T` is the part's
 * interface (inferred from where it is returned or assigned).
 */
export function running<T extends Running>(part: Omit<T, keyof Running>, stop: () => Promise<void>): T {
  let stopping: Promise<void> | undefined;
  const once = (): Promise<void> => (stopping ??= stop());
  return Object.assign(part, { stop: once, [Symbol.asyncDispose]: once }) as unknown as T;
}

export interface StopOptions {
  /** Aborted while stopping (a second Ctrl-C): the parts not stopped yet are stopped all at once. */
  signal?: AbortSignal;
  /** Hears `stopped <name> in <ms> ms`, or why a stop failed. */
  log?: (line: string) => void;
}

/** Parts in the order they started; `stop()` stops them newest first, each once. */
export class Teardown implements Running {
  private readonly parts: { name: string; part: Pick<Running, 'stop'> }[] = [];
  private stopping: Promise<void> | undefined;

  /** Registers a started part (returned as it is); a part added after `stop()` is stopped at once. */
  add<T extends Pick<Running, 'stop'>>(name: string, part: T): T {
    this.parts.push({ name, part });
    if (this.stopping) void this.stopping.then(() => this.stopPart({ name, part }, {}));
    return part;
  }

  stop(options: StopOptions = {}): Promise<void> {
    return (this.stopping ??= this.stopAll(options));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  private async stopAll(options: StopOptions): Promise<void> {
    const pending = [...this.parts].reverse();
    while (pending.length > 0) {
      if (options.signal?.aborted) {
        await Promise.all(pending.splice(0).map((entry) => this.stopPart(entry, options)));
        break;
      }
      await this.stopPart(pending.shift()!, options);
    }
  }

  private async stopPart(entry: { name: string; part: Pick<Running, 'stop'> }, options: StopOptions) {
    const begun = Date.now();
    try {
      await entry.part.stop();
      options.log?.(`stopped ${entry.name} in ${Date.now() - begun} ms`);
    } catch (error) {
      options.log?.(
        `stopping ${entry.name} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

type Stoppable = Pick<Running, 'stop'>;
type Starter<Parts, T> = (parts: Parts, signal?: AbortSignal) => Promise<T>;

/** One step of an assembly: parts started at once (usually one), or a value computed from the parts. */
type Step =
  | { kind: 'parts'; starters: [string, Starter<never, Stoppable>][] }
  | { kind: 'value'; name: string; compute: (parts: never, signal?: AbortSignal) => unknown };

/**
 * A partial stack, assembled part by part: each step gets the parts started before it. `start()`
 * runs the steps in order and returns the parts with one `stop()`; a start that fails stops what had
 * started.
 *
 *   await using parts = await assemble()
 *     .with('dir', () => scratchDir('kh-example-'))
 *     .withAll({
 *       mariadb: ({ dir }) => startMariadb({ runDir: dir.path }),
 *       egress: () => startEgressProxy(),
 *     })
 *     .with('bitrix', ({ dir, mariadb, egress }) =>
 *       startBitrix({ runDir: dir.path, mariadb, egressProxy: egress }),
 *     )
 *     .start();
 */
export class Assembly<Parts extends object> {
  private constructor(private readonly steps: readonly Step[]) {}

  static empty(): Assembly<Record<never, never>> {
    return new Assembly([]);
  }

  /** A part, started once the parts before it have started. */
  with<K extends string, T extends Stoppable>(
    name: K,
    start: Starter<Parts, T>,
  ): Assembly<Parts & Record<K, T>> {
    return this.withAll({ [name]: start } as { [P in K]: Starter<Parts, T> });
  }

  /**
   * Parts that do not need each other, started at the same time (stopped one by one, like the rest).
   * If one fails, the others are still awaited, then stopped with everything started before them.
   */
  withAll<Started extends Record<string, Stoppable>>(starters: {
    [K in keyof Started]: Starter<Parts, Started[K]>;
  }): Assembly<Parts & Started> {
    const entries = Object.entries(starters) as [string, Starter<never, Stoppable>][];
    return new Assembly([...this.steps, { kind: 'parts', starters: entries }]);
  }

  /**
   * Something the later steps or the tests need that has nothing to stop: a certificate authority,
   * a file written into the run dir.
   */
  value<K extends string, V>(
    name: K,
    compute: (parts: Parts, signal?: AbortSignal) => V | Promise<V>,
  ): Assembly<Parts & Record<K, V>> {
    return new Assembly([...this.steps, { kind: 'value', name, compute }]);
  }

  async start(
    options: { signal?: AbortSignal; log?: (line: string) => void } = {},
  ): Promise<Parts & Running> {
    const { signal, log } = options;
    const teardown = new Teardown();
    const parts: Record<string, unknown> = {};
    try {
      for (const step of this.steps) {
        signal?.throwIfAborted();
        if (step.kind === 'value') {
          parts[step.name] = await step.compute({ ...parts } as never, signal);
          continue;
        }
        const before = { ...parts } as never;
        const settled = await Promise.allSettled(step.starters.map(([, start]) => start(before, signal)));
        settled.forEach((result, index) => {
          const name = step.starters[index]![0];
          if (result.status === 'fulfilled') parts[name] = teardown.add(name, result.value);
        });
        const failed = settled.find((result) => result.status === 'rejected');
        if (failed) throw failed.reason;
      }
    } catch (error) {
      await teardown.stop({ log });
      throw error;
    }
    return running<Parts & Running>(parts as Omit<Parts & Running, keyof Running>, () =>
      teardown.stop({ log }),
    );
  }
}

export const assemble = (): Assembly<Record<never, never>> => Assembly.empty();
