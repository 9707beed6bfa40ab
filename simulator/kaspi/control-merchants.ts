/**
 * Merchant knobs beyond `POST /control/trade-points/:id {enabled, acceptsQr}`, to reach the codes a
 * trade point's state causes:
 * - `POST /control/trade-points/:id/settings {enabled?, acceptsQr?, paymentMethods?, partialRefundAllowed?}`
 *   (`paymentMethods: []` → 990000033; `partialRefundAllowed: false` → -99000020 on purchases made after)
 * - `DELETE /control/trade-points/:id` (its devices then answer -99000002)
 */
import { z } from 'zod';
import { ControlError, ok, parsedBody, type ControlRoute } from '../../platform/http/control-api.ts';
import { idParam } from './control-params.ts';
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
    if (value === undefined) throw new ControlError(404, 'not_found', 'no trade point');
    return value;
  };
  return [
    {
      method: 'POST',
      path: '/control/trade-points/:id/settings',
      handle: async (ctx) => {
        const settings = await parsedBody(ctx, tradePointSettings);
        const tradePoint = state.updateTradePoint(id(ctx.params.id), settings);
        if (!tradePoint) throw new ControlError(404, 'not_found', `no trade point ${ctx.params.id}`);
        return ok({ tradePoint });
      },
    },
    {
      method: 'DELETE',
      path: '/control/trade-points/:id',
      handle: ({ params }) => {
        if (!state.removeTradePoint(id(params.id))) {
          throw new ControlError(404, 'not_found', `no trade point ${params.id}`);
        }
        return ok({ removed: true });
      },
    },
  ];
}
