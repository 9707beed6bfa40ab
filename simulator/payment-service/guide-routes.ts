/**
 * The "guide" contract (phase3-deployment-guide.md): what the Bitrix PHP client calls, under /api.
 * Errors are FastAPI's, byte for byte where the reference pins them down.
 */
import type pg from 'pg';
import { intParam, readJsonBody, unprocessable } from './contracts/body-model.ts';
import type { DatabaseState } from './database-watch.ts';
import type { JsonResponse, Route } from './http.ts';
import { parseLogBody } from './log-body.ts';
import { findConfig, insertLog } from './store.ts';

export const configNotFound = (shopId: string | number): JsonResponse => ({
  status: 404,
  body: { detail: `Payment config not found for shop_id=${shopId}` },
});

/**
 * A health answer that follows the database (database-watch.ts): 503 with the reason while it is
 * gone, FastAPI's HTTPException shape, else `healthy`.
 */
export function healthAnswer(database: () => DatabaseState, healthy: unknown): JsonResponse {
  const state = database();
  return state.reachable
    ? { status: 200, body: healthy }
    : { status: 503, body: { detail: `Database unavailable: ${state.problem}` } };
}

export function guideRoutes(pool: pg.Pool, database: () => DatabaseState): Route[] {
  return [
    { method: 'GET', path: '/api/health', handle: () => healthAnswer(database, { status: 'ok' }) },
    {
      method: 'GET',
      path: '/api/payment/config',
      handle: async ({ url, scope }) => {
        // Starlette keeps the last of repeated query parameters.
        const shopId = intParam(url.searchParams.getAll('shop_id').at(-1), ['query', 'shop_id']);
        if ('response' in shopId) return shopId.response;
        const stored = await findConfig(pool, scope.lookupShopId ?? shopId.value);
        if (!stored) return configNotFound(shopId.value);
        const config = scope.adjustConfig?.(stored) ?? stored;
        // Served as stored, inactive included: deciding what an inactive config means is the client's job.
        return {
          status: 200,
          body: {
            shop_id: config.shop_id,
            organization_bin: config.organization_bin,
            device_token: config.device_token,
            is_active: config.is_active,
            provider: config.provider,
          },
        };
      },
    },
    {
      method: 'POST',
      path: '/api/payment/log',
      handle: async (ctx) => {
        const read = await readJsonBody(ctx);
        if ('response' in read) return read.response;
        const parsed = parseLogBody(read.body);
        if (!parsed.ok) return unprocessable(parsed.issues);
        return { status: 200, body: await insertLog(pool, parsed.log) };
      },
    },
  ];
}
