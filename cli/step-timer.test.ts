import { describe, expect, it } from 'vitest';
import { stepTimer } from './step-timer.ts';

/** A promise settled from outside (Node 20 lacks Promise.withResolvers). */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}

describe('stepTimer', () => {
  it('prints a line as each step ends and sums the steps up, on an injected clock', async () => {
    let clock = 0;
    const lines: string[] = [];
    const held: string[] = [];
    const timer = stepTimer(
      'phase6',
      (line) => lines.push(line),
      () => clock,
    );
    const routingDone = deferred<number>();
    const browserDone = deferred<number>();
    // Both start at 0; routing ends at 9.4 s, the browser at 12.0 s.
    const routing = timer.time('routing scenarios', () => routingDone.promise);
    const browser = timer.time(
      'browser scenarios',
      () => browserDone.promise,
      (line) => held.push(line),
    );
    clock = 9_400;
    routingDone.resolve(0);
    await routing;
    clock = 12_000;
    browserDone.resolve(1);
    expect(await Promise.all([routing, browser])).toEqual([0, 1]);
    expect(lines).toEqual(['[phase6] routing scenarios finished in 9.4 s']);
    expect(held).toEqual(['[phase6] browser scenarios finished in 12.0 s']);
    expect(timer.summary()).toBe(
      'phase6 timing: routing scenarios 9.4 s, browser scenarios 12.0 s (at the same time); 12.0 s in all',
    );
  });

  it('still times a step that fails, and passes the failure on', async () => {
    let clock = 0;
    const lines: string[] = [];
    const timer = stepTimer(
      'phase6',
      (line) => lines.push(line),
      () => clock,
    );
    const failing = timer.time('routing scenarios', async () => {
      clock += 1_000;
      throw new Error('vitest did not start');
    });
    await expect(failing).rejects.toThrow('vitest did not start');
    expect(lines).toEqual(['[phase6] routing scenarios finished in 1.0 s']);
  });
});
