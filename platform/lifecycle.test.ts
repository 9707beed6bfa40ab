import { afterAll, describe, expect, it } from 'vitest';
import { assemble, running, Teardown, type Running } from './lifecycle.ts';
import { useParts } from './testing.ts';

/** What happened, in order: `start a`, `stop a`, `stopped a`. */
function recorder() {
  const events: string[] = [];
  /** A part whose stop takes until `release` is called (at once by default). */
  const part = (name: string, options: { failStop?: boolean; held?: boolean } = {}) => {
    let release = (): void => undefined;
    const released = options.held ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
    const started = running<Running & { name: string; release: () => void }>(
      { name, release: () => release() },
      async () => {
        events.push(`stop ${name}`);
        await released;
        if (options.failStop) throw new Error(`${name} would not stop`);
        events.push(`stopped ${name}`);
      },
    );
    return started;
  };
  const starter =
    (name: string, options: { failStart?: boolean; delayMs?: number } = {}) =>
    async () => {
      events.push(`start ${name}`);
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      if (options.failStart) throw new Error(`${name} did not start`);
      events.push(`started ${name}`);
      return part(name);
    };
  return { events, part, starter };
}

describe('running', () => {
  it('stops once however often, and by Symbol.asyncDispose too', async () => {
    let stops = 0;
    const part = running<Running & { port: number }>({ port: 1 }, async () => {
      stops += 1;
    });
    const first = part.stop();
    expect(part.stop()).toBe(first);
    expect(part[Symbol.asyncDispose]()).toBe(first);
    await first;
    await part.stop();
    expect(stops).toBe(1);
    expect(part.port).toBe(1);
  });

  it('hands every caller the same failure', async () => {
    const part = running<Running>({}, () => Promise.reject(new Error('still running')));
    await expect(part.stop()).rejects.toThrow('still running');
    await expect(part[Symbol.asyncDispose]()).rejects.toThrow('still running');
  });

  it('is stopped at the end of an `await using` block', async () => {
    const { events, part } = recorder();
    {
      await using _a = part('a');
      await using _b = part('b');
      expect(events).toEqual([]);
    }
    expect(events).toEqual(['stop b', 'stopped b', 'stop a', 'stopped a']);
  });
});

describe('Teardown', () => {
  it('stops the parts newest first, each once, and says how long each took', async () => {
    const { events, part } = recorder();
    const teardown = new Teardown();
    teardown.add('a', part('a'));
    teardown.add('b', part('b'));
    teardown.add('c', part('c'));
    const lines: string[] = [];
    const stopping = teardown.stop({ log: (line) => lines.push(line) });
    expect(teardown.stop()).toBe(stopping);
    expect(teardown[Symbol.asyncDispose]()).toBe(stopping);
    await stopping;
    expect(events).toEqual(['stop c', 'stopped c', 'stop b', 'stopped b', 'stop a', 'stopped a']);
    expect(lines.map((line) => line.replace(/\d+ ms/, 'N ms'))).toEqual([
      'stopped c in N ms',
      'stopped b in N ms',
      'stopped a in N ms',
    ]);
  });

  it('goes on past a part that fails to stop, and says why', async () => {
    const { events, part } = recorder();
    const teardown = new Teardown();
    teardown.add('a', part('a'));
    teardown.add('b', part('b', { failStop: true }));
    const lines: string[] = [];
    await teardown.stop({ log: (line) => lines.push(line) });
    expect(events).toEqual(['stop b', 'stop a', 'stopped a']);
    expect(lines[0]).toBe('stopping b failed: b would not stop');
  });

  it('once aborted, stops every part not stopped yet at once', async () => {
    const { events, part } = recorder();
    const teardown = new Teardown();
    const a = teardown.add('a', part('a', { held: true }));
    const b = teardown.add('b', part('b', { held: true }));
    const c = teardown.add('c', part('c', { held: true }));
    const abort = new AbortController();
    const stopping = teardown.stop({ signal: abort.signal });
    await Promise.resolve();
    expect(events).toEqual(['stop c']);
    abort.abort();
    c.release();
    await new Promise((resolve) => setImmediate(resolve));
    // b and a both asked to stop before either has finished.
    expect(events).toEqual(['stop c', 'stopped c', 'stop b', 'stop a']);
    b.release();
    a.release();
    await stopping;
    expect(events.slice(4).sort()).toEqual(['stopped a', 'stopped b']);
  });

  it('stops at once a part added after it was asked to stop', async () => {
    const { events, part } = recorder();
    const teardown = new Teardown();
    teardown.add('a', part('a'));
    await teardown.stop();
    teardown.add('late', part('late'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['stop a', 'stopped a', 'stop late', 'stopped late']);
  });
});

describe('assemble', () => {
  it('starts the parts in order, each with the ones before it, and stops them newest first', async () => {
    const { events, part } = recorder();
    const seen: string[][] = [];
    const parts = await assemble()
      .with('a', async (before) => (seen.push(Object.keys(before)), part('a')))
      .with('b', async (before) => (seen.push(Object.keys(before)), part(`b after ${before.a.name}`)))
      .start();
    expect(seen).toEqual([[], ['a']]);
    expect(parts.b.name).toBe('b after a');
    await parts.stop();
    await parts.stop();
    expect(events).toEqual(['stop b after a', 'stopped b after a', 'stop a', 'stopped a']);
  });

  it('stops what had started when a start fails, and starts nothing after it', async () => {
    const { events, starter } = recorder();
    const assembly = assemble()
      .with('a', starter('a'))
      .with('b', starter('b'))
      .with('c', starter('c', { failStart: true }))
      .with('d', starter('d'));
    await expect(assembly.start()).rejects.toThrow('c did not start');
    expect(events).toEqual([
      ...['start a', 'started a', 'start b', 'started b', 'start c'],
      ...['stop b', 'stopped b', 'stop a', 'stopped a'],
    ]);
  });

  it('starts nothing more once its signal is aborted, and stops what had started', async () => {
    const { events, starter } = recorder();
    const abort = new AbortController();
    const assembly = assemble()
      .with('a', async () => {
        const a = await starter('a')();
        abort.abort(new Error('Ctrl-C'));
        return a;
      })
      .with('b', starter('b'));
    await expect(assembly.start({ signal: abort.signal })).rejects.toThrow('Ctrl-C');
    expect(events).toEqual(['start a', 'started a', 'stop a', 'stopped a']);
  });

  it('withAll starts parts at the same time, each with the parts before the step', async () => {
    const { events, part, starter } = recorder();
    const parts = await assemble()
      .with('dir', starter('dir'))
      .withAll({
        slow: async ({ dir }) => {
          events.push(`start slow after ${dir.name}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
          events.push('started slow');
          return part('slow');
        },
        quick: starter('quick'),
      })
      .with('last', async ({ slow, quick }) => part(`last after ${slow.name} and ${quick.name}`))
      .start();
    // quick started, and finished, while slow was still starting.
    expect(events).toEqual([
      ...['start dir', 'started dir', 'start slow after dir'],
      ...['start quick', 'started quick', 'started slow'],
    ]);
    expect(parts.last.name).toBe('last after slow and quick');
    await parts.stop();
    expect(events.filter((event) => event.startsWith('stopped '))).toEqual([
      'stopped last after slow and quick',
      'stopped quick',
      'stopped slow',
      'stopped dir',
    ]);
  });

  it('withAll stops the parts of the step that did start, once all have settled, when one fails', async () => {
    const { events, starter } = recorder();
    const assembly = assemble()
      .with('dir', starter('dir'))
      .withAll({ broken: starter('broken', { failStart: true }), slow: starter('slow', { delayMs: 20 }) });
    await expect(assembly.start()).rejects.toThrow('broken did not start');
    expect(events).toEqual([
      ...['start dir', 'started dir', 'start broken', 'start slow', 'started slow'],
      ...['stop slow', 'stopped slow', 'stop dir', 'stopped dir'],
    ]);
  });

  it('value computes what later steps and the tests need, and has nothing to stop', async () => {
    const { events, part } = recorder();
    const parts = await assemble()
      .with('server', async () => part('server'))
      .value('url', async ({ server }) => `http://${server.name}.invalid`)
      .with('client', async ({ url }) => part(`client of ${url}`))
      .start();
    expect(parts.url).toBe('http://server.invalid');
    // A part has something to stop; a value has not, and is not taken for one.
    // @ts-expect-error a value is not a part
    assemble().with('url', async () => 'http://server.invalid');
    await parts.stop();
    expect(events).toEqual([
      'stop client of http://server.invalid',
      'stopped client of http://server.invalid',
      'stop server',
      'stopped server',
    ]);
  });

  it('stops the assembled parts at the end of an `await using` block', async () => {
    const { events, starter } = recorder();
    {
      await using parts = await assemble().with('a', starter('a')).with('b', starter('b')).start();
      expect(parts.a.name).toBe('a');
    }
    expect(events.slice(4)).toEqual(['stop b', 'stopped b', 'stop a', 'stopped a']);
  });
});

const forUseParts = recorder();

describe('useParts', () => {
  const { events, starter } = forUseParts;
  const parts = useParts(assemble().with('a', starter('a')).with('b', starter('b')));

  it('starts the parts before the tests and fills them in', () => {
    expect(parts.b.name).toBe('b');
    expect(events).toEqual(['start a', 'started a', 'start b', 'started b']);
  });
});

// Runs after the describe's own hooks: by then useParts has stopped its parts, newest first.
afterAll(() => {
  expect(forUseParts.events.slice(4)).toEqual(['stop b', 'stopped b', 'stop a', 'stopped a']);
});
