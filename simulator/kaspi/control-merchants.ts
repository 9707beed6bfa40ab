/**
 * Merchant knobs beyond `POST /control/trade-points/:id {enabled, acceptsQr}`, to reach the codes a
 * trade point's state causes:
 * - `POST /control/trade-points/:id/settings {enabled?, acceptsQr?, paymentMethods?, partialRefundAllowed?}`
 *   (`paymentMethods: []` → 990000033; `partialRefundAllowed: false` → -99000020 on purchases made after)
 * - `DELETE /control/trade-points/:id` (its devices then answer -99000002)
 */
import { z } from 'zod';
import { ControlError, idParam, ok, readJson, validate, type ControlRoute } from './control-http.ts';
import type { KaspiState } from './state.ts';

export const tradePointSettings = z.strictObject({
  enabled: z.boolean().optional(),
  acceptsQr: z.boolean().optional(),
  paymentMethods: z.array(z.string().min(1).max(50)).max(10).optional(),
  partialRefundAllowed: z.boolean().optional(),
});

export function merchantRoutes(state: KaspiState): ControlRoute[] {
  const id = (text: string | undefined): number => {
    const value = idParam(text, 'id');
    if (value === undefined) throw new ControlError(404, 'not_found', 'No trade point');
    return value;
  };
  return [
    {
      method: 'POST',
      pattern: /^\/control\/trade-points\/([^/]+)\/settings$/,
      handle: async ({ params, req }) => {
        const settings = validate(tradePointSettings, await readJson(req));
        const tradePoint = state.updateTradePoint(id(params[0]), settings);
        if (!tradePoint) throw new ControlError(404, 'not_found', `No trade point ${params[0] ?? ''}`);
        return ok({ tradePoint });
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/control\/trade-points\/([^/]+)$/,
      handle: ({ params }) => {
        if (!state.removeTradePoint(id(params[0]))) {
          throw new ControlError(404, 'not_found', `No trade point ${params[0] ?? ''}`);
        }
        return ok({ removed: true });
      },
    },
  ];
}
