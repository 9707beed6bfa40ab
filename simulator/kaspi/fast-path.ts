/**
 * The fast path for the two hot routes, `POST /rN/v01/qr/create` and `GET /rN/v01/payment/status/{id}`:
 * the same domain calls and answer builders as the msw handlers (answers.ts), minus the Fetch
 * Request/Response objects and msw's route matching, which dominate msw's cost per request.
 * Anything else, including near-miss spellings of these paths, falls through to msw.
 * fast-path.test.ts proves both paths answer alike.
 */
import type { FastAnswer } from './http-adapter.ts';
import { paymentStatusAnswer, qrCreateAnswer, type PlainAnswer } from './answers.ts';
import type { KaspiState } from './state.ts';
import type { Scheme } from './types.ts';

const createRoute = /^\/(r[123])\/v01\/qr\/create$/;
const statusRoute = /^\/(r[123])\/v01\/payment\/status\/([^/]+)$/;

function serialize(answer: PlainAnswer, known: FastAnswer['known']): FastAnswer {
  return { httpStatus: answer.httpStatus, body: JSON.stringify(answer.body), ...(known ? { known } : {}) };
}

export function createFastPath(
  state: KaspiState,
): (method: string, path: string, body: string) => FastAnswer | undefined {
  return (method, path, body) => {
    if (method === 'POST') {
      const scheme = createRoute.exec(path)?.[1] as Scheme | undefined;
      if (!scheme) return undefined;
      const answer = qrCreateAnswer(state, scheme, 'qr', body);
      const p = answer.purchase;
      // On failure the journal derives who asked from the body itself (and adds near-miss hints).
      return serialize(
        answer,
        p && {
          organizationBin: p.organizationBin,
          deviceToken: p.deviceToken,
          tradePointId: p.tradePointId,
          statusCode: answer.body.StatusCode as number,
        },
      );
    }
    if (method === 'GET') {
      const match = statusRoute.exec(path);
      if (!match) return undefined;
      const answer = paymentStatusAnswer(state, match[2]);
      const p = answer.body.StatusCode === 0 ? state.purchase(Number(match[2])) : undefined;
      return serialize(
        answer,
        p && {
          organizationBin: p.organizationBin,
          deviceToken: p.deviceToken,
          tradePointId: p.tradePointId,
          statusCode: 0,
        },
      );
    }
    return undefined;
  };
}
