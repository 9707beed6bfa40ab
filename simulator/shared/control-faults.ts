/**
 * The fault routes, the same on both simulators: `POST /control/faults` installs a rule (201
 * `{ id, rule }`), `GET` lists them (`{ faults }`), `DELETE` removes all or one (`{ removed }`). A
 * kind that was renamed is refused naming its new name; `problem` refuses what a simulator cannot
 * carry out.
 */
import type { z } from 'zod';
import { ControlError, jsonBody, ok, validate, type ControlRoute } from '../../platform/http/control-api.ts';
import { renamedKindHint, type FaultRule, type FaultRuleInput } from './faults.ts';

export interface FaultBook<I extends FaultRuleInput> {
  add(input: I): FaultRule<I> | Promise<FaultRule<I>>;
  list(): FaultRule<I>[];
  /** Removes one rule, or every rule without `id`; how many went. */
  remove(id?: string): number | Promise<number>;
}

export function faultRoutes<I extends FaultRuleInput>(
  faults: FaultBook<I>,
  schema: z.ZodType<I>,
  problem: (input: I) => string | undefined = () => undefined,
): ControlRoute[] {
  return [
    {
      method: 'POST',
      path: '/control/faults',
      handle: async (ctx) => {
        const body = await jsonBody(ctx);
        const hint = renamedKindHint((body as { fault?: { kind?: unknown } } | null)?.fault?.kind);
        if (hint) throw new ControlError(400, 'invalid_body', `fault.kind: ${hint}`);
        const input = validate(schema, body);
        const refusal = problem(input);
        if (refusal) throw new ControlError(400, 'unsupported_fault', refusal);
        const rule = await faults.add(input);
        return ok({ id: rule.id, rule }, 201);
      },
    },
    { method: 'GET', path: '/control/faults', handle: () => ok({ faults: faults.list() }) },
    { method: 'DELETE', path: '/control/faults', handle: async () => ok({ removed: await faults.remove() }) },
    {
      method: 'DELETE',
      path: '/control/faults/:id',
      handle: async ({ params }) => {
        const removed = await faults.remove(params.id);
        if (removed === 0) throw new ControlError(404, 'not_found', `no fault ${params.id}`);
        return ok({ removed });
      },
    },
  ];
}
