/**
 * Time as the simulator's Kaspi sees and prints it. Every timeout is measured on a `SimulatorClock`
 * that scenarios can freeze, advance or set (control route `/control/clock`), so Kaspi's 65 s,
 * 180 s and 24 h limits can be hit without waiting.
 */

/** Milliseconds since the epoch, like `Date.now`. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/**
 * UTC offset Kaspi's dates carry. The reference document shows `+06` (Almaty time when it was
 * written), so +06:00 is the default. Kazakhstan moved to a single UTC+5 zone on 2024-03-01; a
 * scenario that wants today's offset passes `utcOffsetMinutes: 300`. We print the full `±HH:MM`
 * form because some parsers (PHP's DATE_ATOM) trip over the bare `+06`.
 */
export const defaultUtcOffsetMinutes = 6 * 60;

const pad = (value: number): string => String(value).padStart(2, '0');

/** `2024-05-01T10:30:00+06:00` for the given instant and offset. */
export function kaspiDate(epochMs: number, utcOffsetMinutes: number = defaultUtcOffsetMinutes): string {
  const local = new Date(epochMs + utcOffsetMinutes * 60_000);
  const sign = utcOffsetMinutes < 0 ? '-' : '+';
  const offset = Math.abs(utcOffsetMinutes);
  return (
    `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
    `${sign}${pad(Math.floor(offset / 60))}:${pad(offset % 60)}`
  );
}

/** A clock that only moves when told to, for tests of timeouts. */
export function manualClock(startMs: number = Date.UTC(2024, 4, 1, 5, 30, 0)): Clock & {
  advance(ms: number): void;
  set(ms: number): void;
} {
  let current = startMs;
  const clock = (() => current) as Clock & { advance(ms: number): void; set(ms: number): void };
  clock.advance = (ms) => {
    current += ms;
  };
  clock.set = (ms) => {
    current = ms;
  };
  return clock;
}

export interface ClockSnapshot {
  /** ISO 8601 UTC. */
  now: string;
  epochMs: number;
  frozen: boolean;
  /** How far the simulator's time is ahead of its base clock (negative: behind). */
  offsetMs: number;
}

/**
 * The simulator's controllable clock: its base clock (the system's, or an injected one) plus an
 * offset, or a frozen instant. Advancing a running clock moves the offset, so time keeps flowing
 * from the new point; advancing a frozen one moves the frozen instant.
 */
export class SimulatorClock {
  private offsetMs = 0;
  private frozenAt: number | null = null;

  constructor(private readonly base: Clock = systemClock) {}

  /** Bound, so it can be handed around as a plain `Clock`. */
  readonly now: Clock = () => this.frozenAt ?? this.base() + this.offsetMs;

  freeze(): void {
    this.frozenAt ??= this.now();
  }

  /** Time flows again from the frozen instant (not from the base clock's present). */
  unfreeze(): void {
    if (this.frozenAt === null) return;
    this.offsetMs = this.frozenAt - this.base();
    this.frozenAt = null;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError('advance needs a finite number of milliseconds');
    if (this.frozenAt !== null) this.frozenAt += ms;
    else this.offsetMs += ms;
  }

  set(epochMs: number): void {
    if (!Number.isFinite(epochMs)) throw new RangeError('set needs a finite epoch time');
    if (this.frozenAt !== null) this.frozenAt = epochMs;
    else this.offsetMs = epochMs - this.base();
  }

  /** Back to the base clock, running. */
  reset(): void {
    this.offsetMs = 0;
    this.frozenAt = null;
  }

  snapshot(): ClockSnapshot {
    const epochMs = this.now();
    return {
      now: new Date(epochMs).toISOString(),
      epochMs,
      frozen: this.frozenAt !== null,
      offsetMs: this.frozenAt === null ? this.offsetMs : this.frozenAt - this.base(),
    };
  }
}
