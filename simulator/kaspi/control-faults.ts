/**
 * Fault routes: install (`POST /control/faults`), list, and remove one or all rules.
 */
import { ControlError, ok, readJson, validate, type ControlRoute } from './control-http.ts';
import { faultRuleInput, type FaultRegistry } from './faults.ts';

export function faultRoutes(faults: FaultRegistry): ControlRoute[] {
  return [
    {
      method: 'POST',
      pattern: /^\/control\/faults$/,
      handle: async ({ req }) => {
        const rule = faults.add(validate(faultRuleInput, await readJson(req)));
        return ok({ id: rule.id, rule }, 201);
      },
    },
    { method: 'GET', pattern: /^\/control\/faults$/, handle: () => ok({ faults: faults.list() }) },
    {
      method: 'DELETE',
      pattern: /^\/control\/faults$/,
      handle: () => {
        const removed = faults.size;
        faults.clear();
        return ok({ removed });
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/control\/faults\/([^/]+)$/,
      handle: ({ params }) => {
        const id = params[0] ?? '';
        if (!faults.remove(id)) throw new ControlError(404, 'not_found', `No fault ${id}`);
        return ok({ removed: 1 });
      },
    },
  ];
}
