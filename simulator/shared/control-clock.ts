/**
 * `GET /control/clock` and `POST /control/clock {freeze?, advanceSeconds?, set?}`: the simulator
 * clock every Kaspi timeout is measured on. `{set, freeze: true}` pins an exact instant, and an
 * advance in the same change moves it. `freeze: false` lets time flow again from where it stands.
 * `POST /control/reset` puts the clock back on real time. Both simulators serve these routes.
 */
import { z } from 'zod';
import { ControlError, ok, parsedBody, type ControlRoute } from '../../platform/http/control-api.ts';
import type { SimulatorClock } from './clock.ts';

export const clockChange = z.strictObject({
  freeze: z.boolean().optional(),
  advanceSeconds: z
    .number()
    .finite()
    .min(-10 * 365 * 86_400)
    .max(10 * 365 * 86_400)
    .optional(),
  set: z.string().min(1).optional(),
});

export type ClockChange = z.infer<typeof clockChange>;

function parseInstant(text: string): number {
  // Only full ISO 8601 date-times with a zone: a bare date would be read as UTC midnight silently.
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d(:?\d\d)?)$/.test(text)) {
    throw new ControlError(400, 'invalid_body', 'set: must be an ISO 8601 date-time with a zone');
  }
  const ms = Date.parse(text.replace(/([+-]\d\d)$/, '$1:00'));
  if (Number.isNaN(ms)) throw new ControlError(400, 'invalid_body', 'set: not a valid date-time');
  return ms;
}

export function applyClockChange(clock: SimulatorClock, change: ClockChange): void {
  // Freezing first: the set and the advance then move the frozen instant itself. Set, then freeze,
  // read the running clock twice, and a millisecond between the two reads moved the pin by one.
  if (change.freeze === true) clock.freeze();
  if (change.set !== undefined) clock.set(parseInstant(change.set));
  if (change.advanceSeconds !== undefined) clock.advance(change.advanceSeconds * 1000);
  if (change.freeze === false) clock.unfreeze();
}

/**
 * The clock routes. `afterChange` runs once a change is applied and adds to the answer (the
 * payment-service's poller runs what became due, so a test sees its effect on the next line).
 */
export function clockRoutes(
  clock: SimulatorClock,
  afterChange: () => Promise<Record<string, unknown>> | Record<string, unknown> = () => ({}),
): ControlRoute[] {
  return [
    { method: 'GET', path: '/control/clock', handle: () => ok({ clock: clock.snapshot() }) },
    {
      method: 'POST',
      path: '/control/clock',
      handle: async (ctx) => {
        applyClockChange(clock, await parsedBody(ctx, clockChange));
        const more = await afterChange();
        return ok({ clock: clock.snapshot(), ...more });
      },
    },
  ];
}
