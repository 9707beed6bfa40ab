/**
 * The "guide" contract (phase3-deployment-guide.md): what the Bitrix PHP client calls, under /api.
 * Errors are FastAPI's, byte for byte where the reference pins them down.
 */
import type pg from 'pg';
import { jsonInvalid, laxInt, missing, type ValidationIssue } from './fastapi-errors.ts';
import type { JsonResponse, Route } from './http.ts';
import { parseLogBody } from './log-body.ts';
import { findConfig, insertLog } from './store.ts';

const unprocessable = (issues: ValidationIssue[]): JsonResponse => ({
  status: 422,
  body: { detail: issues },
});

/** Where the JSON decoder stopped: FastAPI puts it in loc. */
function jsonErrorPosition(text: string, error: unknown): number {
  const message = error instanceof Error ? error.message : '';
  const position = /position (\d+)/.exec(message)?.[1];
  if (position !== undefined) return Number(position);
  return /end of JSON input/.test(message) ? text.length : 0;
}

export function guideRoutes(pool: pg.Pool): Route[] {
  return [
    { method: 'GET', path: '/api/health', handle: () => ({ status: 200, body: { status: 'ok' } }) },
    {
      method: 'GET',
      path: '/api/payment/config',
      handle: async ({ url }) => {
        // Starlette keeps the last of repeated query parameters.
        const raw = url.searchParams.getAll('shop_id').at(-1);
        const loc = ['query', 'shop_id'];
        if (raw === undefined) return unprocessable([missing(loc)]);
        const shopId = laxInt(raw, loc);
        if (shopId.issue || shopId.value === undefined)
          return unprocessable(shopId.issue ? [shopId.issue] : []);
        const config = await findConfig(pool, shopId.value);
        if (!config)
          return { status: 404, body: { detail: `Payment config not found for shop_id=${shopId.value}` } };
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
      handle: async ({ text }) => {
        const raw = await text();
        if (raw.trim() === '') return unprocessable([missing(['body'])]);
        let body: unknown;
        try {
          body = JSON.parse(raw);
        } catch (error) {
          return unprocessable([jsonInvalid(jsonErrorPosition(raw, error))]);
        }
        const parsed = parseLogBody(body);
        if (!parsed.ok) return unprocessable(parsed.issues);
        return { status: 200, body: await insertLog(pool, parsed.log) };
      },
    },
  ];
}

/** FastAPI's answers outside the routes. */
export const fastapiFallbacks = {
  notFound: { status: 404, body: { detail: 'Not Found' } },
  methodNotAllowed: { status: 405, body: { detail: 'Method Not Allowed' } },
  internalError: { status: 500, body: { detail: 'Internal Server Error' } },
  tooLarge: { status: 413, body: { detail: 'Request Entity Too Large' } },
} satisfies Record<string, JsonResponse>;
