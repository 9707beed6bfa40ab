/**
 * Control routes for the tools around the service: the contract profile, contract drift, fault
 * injection, and the simulator clock that drives the background status poller.
 */
import { z } from 'zod';
import { jsonTooDeep, maxJsonDepth } from '../../platform/http-limits.ts';
import { applyClockChange, clockChange } from '../shared/control-clock.ts';
import type { SimulatorClock } from '../shared/clock.ts';
import type { DriftLog } from './contracts/drift.ts';
import type { Profile } from './contracts/profile.ts';
import { isGlobal, type FaultRegistry } from './faults/registry.ts';
import { faultInput, type FaultInput } from './faults/spec.ts';
import type { JsonResponse, Route, RouteContext } from './http.ts';
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

const ok = (body: unknown): JsonResponse => ({ status: 200, body });
const badRequest = (error: string): JsonResponse => ({ status: 400, body: { error } });

const profileBody = z.strictObject({
  profile: z.union([
    z.enum(['guide', 'deployed', 'both']),
    z.strictObject({ openapi: z.union([z.string().min(1), z.record(z.string(), z.unknown())]) }),
  ]),
  start: z.boolean().optional(),
});

type Parsed<T> = { data: T } | { response: JsonResponse };

/** A control body: JSON (an empty one is `{}`), nested no deeper than platform/http-limits.ts allows, valid. */
export async function parseBody<T>(
  ctx: Pick<RouteContext, 'text'>,
  schema: z.ZodType<T>,
): Promise<Parsed<T>> {
  const text = (await ctx.text()) || '{}';
  if (jsonTooDeep(text)) return { response: badRequest(`body nested deeper than ${maxJsonDepth} levels`) };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { response: badRequest('body must be JSON') };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    return {
      response: badRequest(
        parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
      ),
    };
  }
  return { data: parsed.data };
}

/** Combinations the service cannot carry out, refused up front instead of silently ignored. */
function faultProblem(input: FaultInput): string | undefined {
  if (input.fault.kind === 'tls-failure' && !isGlobal(input)) {
    return 'tls-failure happens at the handshake, before any route is known: give no route';
  }
  if (input.fault.kind === 'down' && isGlobal(input) && input.times !== undefined) {
    return 'a whole-service down refuses connections, which cannot be counted: remove it with DELETE instead of times';
  }
  return undefined;
}

export function toolRoutes(deps: ToolDeps): Route[] {
  return [
    { method: 'GET', path: '/control/profile', handle: () => ok(deps.profile()) },
    {
      method: 'PUT',
      path: '/control/profile',
      handle: async (ctx) => {
        const body = await parseBody(ctx, profileBody);
        if ('response' in body) return body.response;
        try {
          deps.setProfile(body.data.profile, body.data.start === true);
        } catch (error) {
          return badRequest(`cannot serve this profile: ${(error as Error).message}`);
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
    {
      method: 'POST',
      path: '/control/faults',
      handle: async (ctx) => {
        const body = await parseBody(ctx, faultInput);
        if ('response' in body) return body.response;
        const problem = faultProblem(body.data);
        if (problem) return badRequest(problem);
        const fault = await deps.faults.add(body.data);
        return ok({ id: fault.id, fault });
      },
    },
    { method: 'GET', path: '/control/faults', handle: () => ok({ faults: deps.faults.list() }) },
    {
      method: 'DELETE',
      path: '/control/faults',
      handle: async () => ok({ removed: await deps.faults.remove() }),
    },
    {
      method: 'DELETE',
      path: '/control/faults/:id',
      handle: async ({ params }) => {
        const removed = await deps.faults.remove(params.id ?? '');
        return removed > 0 ? ok({ removed }) : { status: 404, body: { error: `no fault ${params.id}` } };
      },
    },
    { method: 'GET', path: '/control/clock', handle: () => ok({ clock: deps.clock.snapshot() }) },
    {
      method: 'POST',
      path: '/control/clock',
      // Same body as the Kaspi simulator's: {freeze?, advanceSeconds?, set?}. Answers after the poller
      // has run whatever became due, so a test sees its effect on the next line.
      handle: async (ctx) => {
        const body = await parseBody(ctx, clockChange);
        if ('response' in body) return body.response;
        try {
          applyClockChange(deps.clock, body.data);
        } catch (error) {
          return badRequest((error as Error).message);
        }
        const polls = await deps.poller.tick();
        return ok({ clock: deps.clock.snapshot(), polls });
      },
    },
    { method: 'GET', path: '/control/polls', handle: () => ok({ polls: deps.poller.history }) },
  ];
}
