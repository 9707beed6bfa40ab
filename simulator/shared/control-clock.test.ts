import { describe, expect, it } from 'vitest';
import { applyClockChange } from './control-clock.ts';
import { SimulatorClock } from './clock.ts';

/** A base clock that moves 1 ms each time it is read: what a loaded machine does between two reads. */
function tickingBase(start = Date.parse('2026-11-26T12:00:00Z')): () => number {
  let now = start;
  return () => now++;
}

describe('a clock change', () => {
  it('{set, freeze: true} pins exactly the instant set, however the base clock moves', () => {
    const clock = new SimulatorClock(tickingBase());
    applyClockChange(clock, { set: '2024-05-01T10:30:00+06:00', freeze: true });
    expect(clock.snapshot()).toMatchObject({ now: '2024-05-01T04:30:00.000Z', frozen: true });
  });

  it('{set, advanceSeconds, freeze: true} pins the instant set plus the advance', () => {
    const clock = new SimulatorClock(tickingBase());
    applyClockChange(clock, { set: '2024-05-01T10:30:00+06:00', advanceSeconds: 90, freeze: true });
    expect(clock.snapshot().now).toBe('2024-05-01T04:31:30.000Z');
  });

  it('freeze: false lets time flow again from the frozen instant', () => {
    const clock = new SimulatorClock(tickingBase());
    applyClockChange(clock, { set: '2024-05-01T10:30:00+06:00', freeze: true });
    applyClockChange(clock, { freeze: false });
    const { epochMs, frozen } = clock.snapshot();
    expect(frozen).toBe(false);
    expect(epochMs - Date.parse('2024-05-01T04:30:00Z')).toBeGreaterThanOrEqual(0);
    expect(epochMs - Date.parse('2024-05-01T04:30:00Z')).toBeLessThan(10);
  });
});
