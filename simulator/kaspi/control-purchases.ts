/**
 * Purchase routes: read purchases and refunds, and drive one through its lifecycle with the same transitions
 * as Kaspi's `/test/payment/*` emulators (state.emulate), without going through the Kaspi port.
 */
import { ControlError, idParam, ok, type ControlRoute } from './control-http.ts';
import type { KaspiState } from './state.ts';
import type { PurchaseFilter } from './types.ts';

function purchaseFilter(query: URLSearchParams): PurchaseFilter {
  const filter: PurchaseFilter = {};
  const bin = query.get('bin');
  const externalId = query.get('externalId');
  const deviceToken = query.get('deviceToken');
  const qrPaymentId = idParam(query.get('qrPaymentId'), 'qrPaymentId');
  if (bin !== null) filter.bin = bin;
  if (externalId !== null) filter.externalId = externalId;
  if (deviceToken !== null) filter.deviceToken = deviceToken;
  if (qrPaymentId !== undefined) filter.qrPaymentId = qrPaymentId;
  return filter;
}

export const transitions = ['scan', 'confirm', 'scanerror', 'confirmerror'] as const;
export type Transition = (typeof transitions)[number];

export function purchaseRoutes(state: KaspiState): ControlRoute[] {
  const found = (text: string | undefined) => {
    const id = idParam(text, 'id');
    const purchase = id === undefined ? undefined : state.purchase(id);
    if (id === undefined || !purchase) throw new ControlError(404, 'not_found', `No purchase ${text ?? ''}`);
    return { id, purchase };
  };
  return [
    {
      method: 'GET',
      pattern: /^\/control\/purchases$/,
      handle: ({ url }) => ok({ purchases: state.purchases(purchaseFilter(url.searchParams)) }),
    },
    {
      method: 'GET',
      pattern: /^\/control\/refunds$/,
      handle: ({ url }) => {
        const bin = url.searchParams.get('bin');
        const qrPaymentId = idParam(url.searchParams.get('qrPaymentId'), 'qrPaymentId');
        return ok({
          refunds: state.refunds({
            ...(bin !== null ? { bin } : {}),
            ...(qrPaymentId !== undefined ? { qrPaymentId } : {}),
          }),
        });
      },
    },
    {
      method: 'GET',
      pattern: /^\/control\/purchases\/([^/]+)$/,
      handle: ({ params }) => ok({ purchase: found(params[0]).purchase }),
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/control/purchases/([^/]+)/(${transitions.join('|')})$`),
      handle: ({ params }) => {
        const { id } = found(params[0]);
        const outcome = state.emulate(params[1] as Transition, id);
        if (!outcome.ok) {
          throw new ControlError(
            409,
            'wrong_status',
            `${outcome.message} (StatusCode ${outcome.statusCode})`,
          );
        }
        return ok({ purchase: outcome.value });
      },
    },
  ];
}
