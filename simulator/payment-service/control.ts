/**
 * The control API, on its own port so that it stays reachable while the service is "down". Tests
 * drive the simulator only through it (see control-client.ts). It answers only requests a page of
 * another origin cannot forge: 403 `{error}` otherwise (platform/control-guard.ts).
 */
import type pg from 'pg';
import {
  configPatchSchema,
  shopIdSchema,
  type ConfigAnswer,
  type ConfigsAnswer,
  type ControlStateDetail,
  type DeleteAnswer,
  type LogsAnswer,
  type RequestsAnswer,
} from './control-schemas.ts';
import { guardControl } from '../../platform/control-guard.ts';
import type { DatabaseState } from './database-watch.ts';
import { listenHttp, type HttpListener } from '../../platform/http-server.ts';
import { jsonRouter, type JsonResponse, type Route } from './http.ts';
import type { RequestJournal } from './journal.ts';
import { parseBody, toolRoutes, type ToolDeps } from './control-tools.ts';
import { ConfigError, deleteConfig, listConfigs, listLogs, upsertConfig } from './store.ts';

/** The service's lifecycle as the control API drives it (server.ts owns the details). */
export interface Lifecycle {
  isUp(): boolean;
  down(): Promise<void>;
  /** Up again: clears /control/down and any whole-service down fault. */
  up(): Promise<void>;
  /** Back to the start state: fixtures, empty logs/journal/drift, no faults, start profile, real clock, up. */
  reset(): Promise<void>;
}

export interface ControlDependencies {
  pool: pg.Pool;
  /** Whether its PostgreSQL answers (database-watch.ts). */
  database: () => DatabaseState;
  journal: RequestJournal;
  lifecycle: Lifecycle;
  tools: ToolDeps;
}

const ok = <T>(body: T): JsonResponse => ({ status: 200, body });
const badRequest = (error: string): JsonResponse => ({ status: 400, body: { error } });

function shopIdParam(raw: string | undefined): number | undefined {
  const parsed = shopIdSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

export function controlRoutes({ pool, database, journal, lifecycle, tools }: ControlDependencies): Route[] {
  const state = (): ControlStateDetail => ({
    up: lifecycle.isUp(),
    profile: tools.profile().profile,
    database: database(),
  });
  return [
    { method: 'GET', path: '/control/state', handle: () => ok(state()) },
    {
      method: 'POST',
      path: '/control/down',
      handle: async () => {
        await lifecycle.down();
        return ok(state());
      },
    },
    {
      method: 'POST',
      path: '/control/up',
      handle: async () => {
        await lifecycle.up();
        return ok(state());
      },
    },
    {
      method: 'POST',
      path: '/control/reset',
      handle: async () => {
        await lifecycle.reset();
        return ok(state());
      },
    },
    {
      method: 'GET',
      path: '/control/logs',
      handle: async ({ url }) => {
        const rawShopId = url.searchParams.get('shop_id');
        const shopId = rawShopId === null || rawShopId === '' ? undefined : shopIdParam(rawShopId);
        if (rawShopId && shopId === undefined)
          return badRequest(`shop_id must be an integer, got ${rawShopId}`);
        const externalId = url.searchParams.get('external_id') || undefined;
        if (externalId?.includes('\0')) return badRequest('external_id must not contain a NUL character');
        return ok<LogsAnswer>({ logs: await listLogs(pool, { shop_id: shopId, external_id: externalId }) });
      },
    },
    {
      method: 'GET',
      path: '/control/configs',
      handle: async () => ok<ConfigsAnswer>({ configs: await listConfigs(pool) }),
    },
    {
      method: 'PUT',
      path: '/control/configs/:shopId',
      handle: async ({ params, text }) => {
        const shopId = shopIdParam(params.shopId);
        if (shopId === undefined) return badRequest(`shop id must be an integer, got ${params.shopId}`);
        const patch = await parseBody({ text }, configPatchSchema);
        if ('response' in patch) return patch.response;
        try {
          return ok<ConfigAnswer>({ config: await upsertConfig(pool, shopId, patch.data) });
        } catch (error) {
          if (error instanceof ConfigError) return badRequest(error.message);
          throw error;
        }
      },
    },
    {
      method: 'DELETE',
      path: '/control/configs/:shopId',
      handle: async ({ params }) => {
        const shopId = shopIdParam(params.shopId);
        if (shopId === undefined) return badRequest(`shop id must be an integer, got ${params.shopId}`);
        return ok<DeleteAnswer>({ deleted: await deleteConfig(pool, shopId) });
      },
    },
    {
      method: 'GET',
      path: '/control/requests',
      handle: ({ url }) => {
        const raw = url.searchParams.get('limit');
        const limit = raw === null ? undefined : Number(raw);
        if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
          return badRequest(`limit must be a positive integer, got ${raw}`);
        }
        return ok<RequestsAnswer>({ requests: journal.recent(limit) });
      },
    },
    ...toolRoutes(tools),
  ];
}

export type ControlServer = HttpListener;

export async function startControlServer(deps: ControlDependencies, port = 0): Promise<ControlServer> {
  const router = jsonRouter(controlRoutes(deps), {
    notFound: { status: 404, body: { error: 'no such control route' } },
    methodNotAllowed: { status: 405, body: { error: 'method not allowed' } },
    internalError: (error) => {
      const failed = `control action failed: ${error instanceof Error ? error.message : String(error)}`;
      const database = deps.database();
      // Without its database the action could not run: say so, as health does, rather than a bare 500.
      return database.reachable
        ? { status: 500, body: { error: failed } }
        : {
            status: 503,
            body: { error: `${failed} (its PostgreSQL is unreachable since ${database.since})` },
          };
    },
    tooLarge: { status: 413, body: { error: 'body too large' } },
  });
  // A page on another origin must not switch the service down or inject faults (control-guard.ts).
  return listenHttp(
    guardControl(router, (reason) => ({ error: reason })),
    port,
  );
}
