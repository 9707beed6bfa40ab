/**
 * Time as the simulator's Kaspi prints it. The clock is injectable so scenarios can freeze or advance
 * it to hit Kaspi's timeouts without waiting minutes.
 */

/** Milliseconds since the epoch, like `Date.now`. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/**
 * Almaty's offset. Kazakhstan moved to a single UTC+5 zone on 2024-03-01; the reference document
 * (older) shows `+06`. We print `+05:00` by default (full `±HH:MM`, which every ISO 8601 parser
 * accepts, whereas the bare `+06` form trips some, e.g. PHP's DateTime::ATOM-based parsing).
 */
export const defaultUtcOffsetMinutes = 5 * 60;

const pad = (value: number): string => String(value).padStart(2, '0');

/** `2024-05-01T10:30:00+05:00` for the given instant and offset. */
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
