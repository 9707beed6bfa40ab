/** How fault rules fire, the same on both simulators. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { commonFaults, faultRuleSchema, FaultRules, httpStatusAnswer, renamedKindHint } from './faults.ts';

const rule = faultRuleSchema(
  z.strictObject({ path: z.string().optional() }),
  z.discriminatedUnion('kind', [...commonFaults]),
);
type Rule = z.infer<typeof rule>;
const onPath = (input: Rule) => (path: string) =>
  input.match?.path === undefined || input.match.path === path;

describe('FaultRules', () => {
  it('adds up every latency that fires, and lets the first other kind win', () => {
    const rules = new FaultRules(onPath);
    rules.add({ fault: { kind: 'latency', ms: 100 } });
    rules.add({ fault: { kind: 'reset' }, match: { path: '/a' } });
    rules.add({ fault: { kind: 'latency', ms: 50 } });
    rules.add({ fault: { kind: 'empty-reply' } });
    expect(rules.decide('/a')).toMatchObject({
      delayMs: 150,
      fault: { kind: 'reset' },
      label: 'latency+reset+latency',
    });
    expect(rules.decide('/b')).toMatchObject({ delayMs: 150, fault: { kind: 'empty-reply' } });
    // The rule that lost to an earlier one did not fire.
    expect(rules.list().map((r) => r.fired)).toEqual([2, 1, 2, 1]);
  });

  it('removes a rule after `times` firings and says so', () => {
    let spent = 0;
    const rules = new FaultRules(onPath, () => (spent += 1));
    rules.add({ fault: { kind: 'blackhole' }, times: 2 });
    expect(rules.decide('/').fault?.kind).toBe('blackhole');
    expect(rules.list()).toMatchObject([{ remaining: 1, fired: 1 }]);
    rules.decide('/');
    expect(rules.size).toBe(0);
    expect(spent).toBe(1);
    expect(rules.decide('/')).toMatchObject({ delayMs: 0, fault: undefined, label: undefined });
  });

  it('draws `probability` from the rule’s seed: the same firings for the same seed', () => {
    const firings = (seed: number) => {
      const rules = new FaultRules(onPath);
      rules.add({ fault: { kind: 'reset' }, probability: 0.5, seed });
      return Array.from({ length: 40 }, () => rules.decide('/').fault !== undefined);
    };
    const first = firings(42);
    expect(firings(42)).toEqual(first);
    expect(first.filter(Boolean).length).toBeGreaterThan(8);
    expect(first.filter(Boolean).length).toBeLessThan(32);
  });

  it('passes over what `skip` says is not per request, and takes it one firing at a time', () => {
    const rules = new FaultRules(onPath);
    rules.add({ fault: { kind: 'blackhole' }, times: 1 });
    expect(rules.decide('/', (r) => r.fault.kind === 'blackhole').fault).toBeUndefined();
    expect(rules.take((r) => r.fault.kind === 'blackhole')).toMatchObject({
      fault: { kind: 'blackhole' },
      fired: 1,
    });
    expect(rules.size).toBe(0);
  });
});

describe('the shared vocabulary', () => {
  it('takes the same rule fields on every simulator, and refuses what is out of range', () => {
    expect(
      rule.safeParse({ fault: { kind: 'garbage', bytes: 8 }, times: 2, probability: 0.5, seed: 1 }).success,
    ).toBe(true);
    for (const bad of [
      { fault: { kind: 'latency', ms: -1 } },
      { fault: { kind: 'http-status', status: 101 } },
      { fault: { kind: 'reset' }, times: 0 },
      { fault: { kind: 'reset' }, probability: 1.5 },
      { fault: { kind: 'reset' }, seed: -1 },
      { fault: { kind: 'reset', ms: 1 } },
    ])
      expect(rule.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });

  it('answers http-status with the body given, a page, or the simulator’s own error body', () => {
    const own = (reason: string) => ({ detail: reason });
    expect(httpStatusAnswer({ kind: 'http-status', status: 503 }, own)).toEqual({
      status: 503,
      text: '{"detail":"Service Unavailable"}',
      html: false,
    });
    expect(httpStatusAnswer({ kind: 'http-status', status: 502, body: '<html>x</html>' }, own)).toEqual({
      status: 502,
      text: '<html>x</html>',
      html: true,
    });
    expect(httpStatusAnswer({ kind: 'http-status', status: 500, body: { e: 1 } }, own).text).toBe('{"e":1}');
  });

  it('names the replacement of a renamed kind, and nothing else', () => {
    expect(renamedKindHint('slow')).toBe('fault kind "slow" is now "latency"');
    expect(renamedKindHint('hang')).toBe('fault kind "hang" is now "blackhole"');
    expect(renamedKindHint('status')).toBe('fault kind "status" is now "http-status"');
    expect(renamedKindHint('flapping')).toMatch(/probability and seed/);
    expect(renamedKindHint('latency')).toBeUndefined();
    expect(renamedKindHint('toString')).toBeUndefined();
  });
});
