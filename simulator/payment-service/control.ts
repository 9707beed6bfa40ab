/**
 * The control API, on its own port so that it stays reachable while the service is "down". Tests
 * drive the simulator only through it (see control-client.ts). Errors are `{ error: { code,
 * message } }`, and it answers only requests a page of another origin cannot forge: 403 otherwise
 * (platform/http/control-api.ts, platform/control-guard.ts).
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
import {
  ControlError,
  ok,
  parsedBody,
  startControlApi,
  type ControlRoute,
} from '../../platform/http/control-api.ts';
import type { HttpListener } from '../../platform/http-server.ts';
import type { DatabaseState } from './database-watch.ts';
import type { RequestJournal } from './journal.ts';
import { toolRoutes, type ToolDeps } from './control-tools.ts';
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

const invalid = (name: string, raw: string, what: string): ControlError =>
  new ControlError(400, 'invalid_parameter', `${name} must be ${what}, got ${raw.slice(0, 50)}`);

function shopIdParam(raw: string, name: string): number {
  const parsed = shopIdSchema.safeParse(raw);
  if (!parsed.success) throw invalid(name, raw, 'an integer');
  return parsed.data;
}

export function controlRoutes({
  pool,
  database,
  journal,
  lifecycle,
  tools,
}: ControlDependencies): ControlRoute[] {
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
        const shopId = rawShopId ? shopIdParam(rawShopId, 'shop_id') : undefined;
        const externalId = url.searchParams.get('external_id') || undefined;
        if (externalId?.includes('\0'))
          throw new ControlError(400, 'invalid_parameter', 'external_id must not contain a NUL character');
        const answer: LogsAnswer = {
          logs: await listLogs(pool, { shop_id: shopId, external_id: externalId }),
        };
        return ok(answer);
      },
    },
    {
      method: 'GET',
      path: '/control/configs',
      handle: async () => ok({ configs: await listConfigs(pool) } satisfies ConfigsAnswer),
    },
    {
      method: 'PUT',
      path: '/control/configs/:shopId',
      handle: async (ctx) => {
        const shopId = shopIdParam(ctx.params.shopId!, 'shop id');
        const patch = await parsedBody(ctx, configPatchSchema);
        try {
          return ok({ config: await upsertConfig(pool, shopId, patch) } satisfies ConfigAnswer);
        } catch (error) {
          if (error instanceof ConfigError) throw new ControlError(400, 'invalid_body', error.message);
          throw error;
        }
      },
    },
    {
      method: 'DELETE',
      path: '/control/configs/:shopId',
      handle: async ({ params }) => {
        const shopId = shopIdParam(params.shopId!, 'shop id');
        return ok({ deleted: await deleteConfig(pool, shopId) } satisfies DeleteAnswer);
      },
    },
    {
      method: 'GET',
      path: '/control/requests',
      handle: ({ url }) => {
        const raw = url.searchParams.get('limit');
        const limit = raw === null ? undefined : Number(raw);
        if (raw !== null && !(Number.isInteger(limit) && limit! > 0))
          throw invalid('limit', raw, 'a positive integer');
        return ok({ requests: journal.recent(limit) } satisfies RequestsAnswer);
      },
    },
    ...toolRoutes(tools),
  ];
}

export type ControlServer = HttpListener;

export async function startControlServer(deps: ControlDependencies, port = 0): Promise<ControlServer> {
  // A page on another origin must not switch the service down or inject faults (control-guard.ts).
  return startControlApi('payment-service-simulator', controlRoutes(deps), {
    port,
    describeFailure: (error) => {
      const database = deps.database();
      if (database.reachable) return undefined;
      // Without its database the action could not run: say so, as health does, rather than a bare 500.
      const reason = error instanceof Error ? error.message : String(error);
      return new ControlError(
        503,
        'database_unreachable',
        `control action failed: ${reason} (its PostgreSQL is unreachable since ${database.since})`,
      );
    },
  });
}
