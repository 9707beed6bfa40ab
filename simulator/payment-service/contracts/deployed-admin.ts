/**
 * The "deployed" contract's service and admin routes, as the running FastAPI service has them (no
 * /api prefix, no authentication): health, info, config CRUD with soft delete, by-bin, logs, migrate.
 */
import type pg from 'pg';
import type { DatabaseState } from '../database-watch.ts';
import { configNotFound, healthAnswer } from '../guide-routes.ts';
import type { JsonResponse, Route, RouteContext } from '../http.ts';
import { migrate } from '../migrate.ts';
import {
  findConfig,
  findConfigByBin,
  insertConfig,
  listConfigs,
  listRecentLogs,
  patchConfig,
  type ConfigPatch,
  type PaymentConfigRow,
} from '../store.ts';
import { intParam, readModel, strParam, type FieldSpec } from './body-model.ts';

/** `GET /admin/logs?limit=`: how many rows one call may ask for. */
export const logsLimit = { ge: 1, le: 1000 };

export const serviceInfo = { service: 'payment-service', version: '1.0.0' } as const;

/** The SQLModel table's columns, as the create model validates them. */
const configCreateModel: readonly FieldSpec[] = [
  { name: 'shop_id', kind: 'int', required: true },
  { name: 'organization_bin', kind: 'str', required: true, maxLength: 12 },
  { name: 'device_token', kind: 'str', required: false, nullable: true, maxLength: 50 },
  { name: 'is_active', kind: 'bool', required: false },
  { name: 'provider', kind: 'str', required: false, maxLength: 20 },
];

/** Every field optional: a partial update. */
const configUpdateModel: readonly FieldSpec[] = configCreateModel
  .filter((field) => field.name !== 'shop_id')
  .map((field) => ({ ...field, required: false, nullable: true }));

const detail = (status: number, text: string): JsonResponse => ({ status, body: { detail: text } });

const adjusted = (ctx: RouteContext, row: PaymentConfigRow): PaymentConfigRow =>
  ctx.scope.adjustConfig?.(row) ?? row;

export function deployedAdminRoutes(pool: pg.Pool, database: () => DatabaseState): Route[] {
  const shopIdOf = (ctx: RouteContext) => intParam(ctx.params.shop_id, ['path', 'shop_id']);
  return [
    {
      method: 'GET',
      path: '/',
      handle: () => ({
        status: 200,
        body: {
          ...serviceInfo,
          status: 'running',
          docs: '/docs',
          health: '/health',
          openapi: '/openapi.json',
        },
      }),
    },
    {
      method: 'GET',
      path: '/health',
      handle: () => healthAnswer(database, { status: 'ok', ...serviceInfo }),
    },
    {
      method: 'GET',
      path: '/admin/configs',
      handle: async (ctx) => ({
        status: 200,
        body: (await listConfigs(pool)).map((row) => adjusted(ctx, row)),
      }),
    },
    {
      method: 'GET',
      path: '/admin/configs/by-bin/:organization_bin',
      handle: async (ctx) => {
        const param = strParam(ctx.params.organization_bin ?? '', ['path', 'organization_bin']);
        if ('response' in param) return param.response;
        const bin = param.value;
        const stored = await findConfigByBin(pool, bin);
        if (!stored) return detail(404, `Payment config not found for organization_bin=${bin}`);
        const config = adjusted(ctx, stored);
        if (!config.is_active) return detail(403, `Payment config for organization_bin=${bin} is inactive`);
        return { status: 200, body: config };
      },
    },
    {
      method: 'GET',
      path: '/admin/configs/:shop_id',
      handle: async (ctx) => {
        const shopId = shopIdOf(ctx);
        if ('response' in shopId) return shopId.response;
        const config = await findConfig(pool, ctx.scope.lookupShopId ?? shopId.value);
        return config ? { status: 200, body: adjusted(ctx, config) } : configNotFound(shopId.value);
      },
    },
    {
      method: 'POST',
      path: '/admin/configs',
      handle: async (ctx) => {
        const model = await readModel(ctx, configCreateModel);
        if ('response' in model) return model.response;
        const v = model.values;
        const created = await insertConfig(pool, {
          shop_id: String(v.shop_id),
          organization_bin: String(v.organization_bin),
          device_token: (v.device_token as string | null | undefined) ?? null,
          is_active: v.is_active as boolean | undefined,
          provider: v.provider as string | undefined,
        });
        if (!created) return detail(400, `Payment config for shop_id=${String(v.shop_id)} already exists`);
        return { status: 200, body: created };
      },
    },
    {
      method: 'PUT',
      path: '/admin/configs/:shop_id',
      handle: async (ctx) => {
        const shopId = shopIdOf(ctx);
        if ('response' in shopId) return shopId.response;
        const model = await readModel(ctx, configUpdateModel);
        if ('response' in model) return model.response;
        // exclude_unset: an explicit null clears device_token, and is ignored for the NOT NULL columns.
        const v = model.values;
        const patch: ConfigPatch = {};
        if (typeof v.organization_bin === 'string') patch.organization_bin = v.organization_bin;
        if ('device_token' in v) patch.device_token = (v.device_token as string | null) ?? null;
        if (typeof v.is_active === 'boolean') patch.is_active = v.is_active;
        if (typeof v.provider === 'string') patch.provider = v.provider;
        const updated = await patchConfig(pool, shopId.value, patch);
        return updated ? { status: 200, body: updated } : configNotFound(shopId.value);
      },
    },
    {
      method: 'DELETE',
      path: '/admin/configs/:shop_id',
      handle: async (ctx) => {
        const shopId = shopIdOf(ctx);
        if ('response' in shopId) return shopId.response;
        // Soft delete: the row stays (its logs still name it), the shop just stops being served.
        const updated = await patchConfig(pool, shopId.value, { is_active: false });
        if (!updated) return configNotFound(shopId.value);
        return {
          status: 200,
          body: { message: `Payment config for shop_id=${shopId.value} deactivated`, config: updated },
        };
      },
    },
    {
      method: 'GET',
      path: '/admin/logs',
      handle: async ({ url }) => {
        const rawShop = url.searchParams.get('shop_id');
        const shopId = rawShop === null ? undefined : intParam(rawShop, ['query', 'shop_id']);
        if (shopId && 'response' in shopId) return shopId.response;
        // Query(ge=1, le=1000): PostgreSQL refuses a negative LIMIT, and nobody reads more at once.
        const limit = intParam(url.searchParams.get('limit') ?? '100', ['query', 'limit'], logsLimit);
        if ('response' in limit) return limit.response;
        return {
          status: 200,
          body: await listRecentLogs(pool, { shop_id: shopId?.value, limit: limit.value }),
        };
      },
    },
    {
      method: 'POST',
      path: '/admin/migrate',
      handle: async () => {
        const applied = await migrate(pool);
        return { status: 200, body: { status: 'ok', message: 'Migration completed', applied } };
      },
    },
  ];
}
