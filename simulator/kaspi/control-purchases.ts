/**
 * Purchase routes: read purchases and refunds, and drive one through its lifecycle with the same transitions
 * as Kaspi's `/test/payment/*` emulators (state.emulate), without going through the Kaspi port.
 */
import { ControlError, ok, type ControlRoute } from '../../platform/http/control-api.ts';
import { idParam } from './control-params.ts';
import { paymentEmulators } from './endpoints.ts';
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

export function purchaseRoutes(state: KaspiState): ControlRoute[] {
  const found = (text: string | undefined) => {
    const id = idParam(text, 'id');
    const purchase = id === undefined ? undefined : state.purchase(id);
    if (id === undefined || !purchase) throw new ControlError(404, 'not_found', `no purchase ${text ?? ''}`);
    return { id, purchase };
  };
  return [
    {
      method: 'GET',
      path: '/control/purchases',
      handle: ({ url }) => ok({ purchases: state.purchases(purchaseFilter(url.searchParams)) }),
    },
    {
      method: 'GET',
      path: '/control/refunds',
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
      path: '/control/purchases/:id',
      handle: ({ params }) => ok({ purchase: found(params.id).purchase }),
    },
    ...paymentEmulators.map((transition): ControlRoute => ({
      method: 'POST',
      path: `/control/purchases/:id/${transition}`,
      handle: ({ params }) => {
        const { id } = found(params.id);
        const outcome = state.emulate(transition, id);
        if (!outcome.ok) {
          throw new ControlError(
            409,
            'wrong_status',
            `${outcome.message} (StatusCode ${outcome.statusCode})`,
          );
        }
        return ok({ purchase: outcome.value });
      },
    })),
  ];
}
