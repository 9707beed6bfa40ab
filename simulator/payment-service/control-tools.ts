/**
 * Control routes for the tools around the service: the contract profile, contract drift, fault
 * injection, and the simulator clock that drives the background status poller.
 */
import { z } from 'zod';
import { ControlError, ok, parsedBody, type ControlRoute } from '../../platform/http/control-api.ts';
import { bodyLimits } from '../../platform/http-limits.ts';
import { clockRoutes } from '../shared/control-clock.ts';
import type { SimulatorClock } from '../shared/clock.ts';
import { faultRoutes } from '../shared/control-faults.ts';
import type { DriftLog } from './contracts/drift.ts';
import type { Profile } from './contracts/profile.ts';
import { isGlobal, type FaultRegistry } from './faults/registry.ts';
import { faultRuleInput, type FaultRuleInput } from './faults/spec.ts';
import type { StatusPoller } from './payments/poller.ts';

export interface ToolDeps {
  drift: DriftLog;
  faults: FaultRegistry;
  clock: SimulatorClock;
  poller: StatusPoller;
  profile(): ServedProfile;
  /**
   * Throws when the profile cannot be served (bad OpenAPI document). `asStart`: it also becomes the
   * profile a reset returns to — the contract a stack declared for the whole run.
   */
  setProfile(profile: Profile, asStart: boolean): void;
}

/** What `GET /control/profile` answers: the contract served now, the one a reset restores, its routes. */
export interface ServedProfile {
  profile: string;
  start: string;
  /** `METHOD /path/{param}` of every served route. */
  routes: string[];
  /** The routes of the start profile. */
  startRoutes: string[];
}

const profileBody = z.strictObject({
  profile: z.union([
    z.enum(['guide', 'deployed', 'both']),
    z.strictObject({ openapi: z.union([z.string().min(1), z.record(z.string(), z.unknown())]) }),
  ]),
  start: z.boolean().optional(),
});

/** Combinations the service cannot carry out, refused up front instead of silently ignored. */
function faultProblem(input: FaultRuleInput): string | undefined {
  if (input.fault.kind === 'tls-failure' && !isGlobal(input)) {
    return 'tls-failure happens at the handshake, before any route is known: give no match';
  }
  if (input.fault.kind === 'tls-failure' && input.probability !== undefined) {
    return 'tls-failure swaps the certificate for every handshake, which cannot be drawn: give no probability';
  }
  if (input.fault.kind === 'down' && isGlobal(input) && input.times !== undefined) {
    return 'a whole-service down refuses connections, which cannot be counted: remove it with DELETE instead of times';
  }
  if (input.fault.kind === 'down' && isGlobal(input) && input.probability !== undefined) {
    return 'a whole-service down refuses every connection, which cannot be drawn: give a match, or no probability';
  }
  return undefined;
}

export function toolRoutes(deps: ToolDeps): ControlRoute[] {
  return [
    { method: 'GET', path: '/control/profile', handle: () => ok(deps.profile()) },
    {
      method: 'PUT',
      path: '/control/profile',
      // The document itself may come in the body.
      maxBodyBytes: bodyLimits.api,
      handle: async (ctx) => {
        const body = await parsedBody(ctx, profileBody);
        try {
          deps.setProfile(body.profile, body.start === true);
        } catch (error) {
          throw new ControlError(
            400,
            'invalid_profile',
            `cannot serve this profile: ${(error as Error).message}`,
          );
        }
        return ok(deps.profile());
      },
    },
    { method: 'GET', path: '/control/drift', handle: () => ok({ drift: deps.drift.list() }) },
    {
      method: 'DELETE',
      path: '/control/drift',
      handle: () => {
        deps.drift.clear();
        return ok({ drift: [] });
      },
    },
    ...faultRoutes(deps.faults, faultRuleInput, faultProblem),
    // Same routes as the Kaspi simulator's; a change answers after the poller has run what became due.
    ...clockRoutes(deps.clock, async () => ({ polls: await deps.poller.tick() })),
    { method: 'GET', path: '/control/polls', handle: () => ok({ polls: deps.poller.history }) },
  ];
}
