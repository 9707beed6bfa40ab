/** Data access for the two tables; every query the simulator runs lives here. */
import type pg from 'pg';

export interface PaymentConfigRow {
  id: number;
  shop_id: number;
  organization_bin: string;
  device_token: string | null;
  is_active: boolean;
  provider: string;
  created_at: string | null;
  updated_at: string | null;
}

export interface PaymentLogRow {
  id: number;
  shop_id: number;
  organization_bin: string;
  operation_type: string;
  external_id: string | null;
  amount: number | null;
  status: string | null;
  error_message: string | null;
  provider: string;
  created_at: string | null;
}

export interface PaymentLogInput {
  /** Naive UTC timestamp (`2025-11-03 10:00:00.000`); the database's now() when absent. */
  created_at?: string;
  /** A decimal string when it came from outside: PostgreSQL, not JS numbers, decides what fits. */
  shop_id: number | string;
  organization_bin: string;
  operation_type: string;
  external_id?: string | null;
  amount?: number | string | null;
  status?: string | null;
  error_message?: string | null;
  provider?: string | null;
}

export interface ConfigPatch {
  organization_bin?: string;
  device_token?: string | null;
  is_active?: boolean;
  provider?: string;
}

export interface LogFilter {
  shop_id?: number;
  external_id?: string;
}

/** Anything that runs a query: the pool or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>;

const configColumns =
  'id, shop_id, organization_bin, device_token, is_active, provider, created_at, updated_at';
const logColumns =
  'id, shop_id, organization_bin, operation_type, external_id, amount, status, error_message, provider, created_at';

export async function findConfig(
  db: Queryable,
  shopId: number | string,
): Promise<PaymentConfigRow | undefined> {
  const { rows } = await db.query<PaymentConfigRow>(
    `SELECT ${configColumns} FROM paymentconfig WHERE shop_id = $1`,
    [shopId],
  );
  return rows[0];
}

export async function listConfigs(db: Queryable): Promise<PaymentConfigRow[]> {
  return (await db.query<PaymentConfigRow>(`SELECT ${configColumns} FROM paymentconfig ORDER BY shop_id`))
    .rows;
}

/**
 * Inserts or partially updates the config of a shop. A new config needs organization_bin (the
 * column is NOT NULL); undefined fields keep their stored value (or the column default).
 */
export async function upsertConfig(
  db: Queryable,
  shopId: number,
  patch: ConfigPatch,
): Promise<PaymentConfigRow> {
  const existing = await findConfig(db, shopId);
  if (!existing) {
    if (patch.organization_bin === undefined) {
      throw new ConfigError(`shop ${shopId} has no config yet: organization_bin is required to create one`);
    }
    const { rows } = await db.query<PaymentConfigRow>(
      `INSERT INTO paymentconfig (shop_id, organization_bin, device_token, is_active, provider)
       VALUES ($1, $2, $3, COALESCE($4, TRUE), COALESCE($5, 'kaspi'))
       ON CONFLICT (shop_id) DO UPDATE SET organization_bin = EXCLUDED.organization_bin,
         device_token = EXCLUDED.device_token, is_active = EXCLUDED.is_active, provider = EXCLUDED.provider
       RETURNING ${configColumns}`,
      [
        shopId,
        patch.organization_bin,
        patch.device_token ?? null,
        patch.is_active ?? null,
        patch.provider ?? null,
      ],
    );
    return rows[0]!;
  }
  const { rows } = await db.query<PaymentConfigRow>(
    `UPDATE paymentconfig SET organization_bin = $2, device_token = $3, is_active = $4, provider = $5
     WHERE shop_id = $1 RETURNING ${configColumns}`,
    [
      shopId,
      patch.organization_bin ?? existing.organization_bin,
      patch.device_token === undefined ? existing.device_token : patch.device_token,
      patch.is_active ?? existing.is_active,
      patch.provider ?? existing.provider,
    ],
  );
  return rows[0]!;
}

export async function deleteConfig(db: Queryable, shopId: number): Promise<boolean> {
  return ((await db.query('DELETE FROM paymentconfig WHERE shop_id = $1', [shopId])).rowCount ?? 0) > 0;
}

export async function insertLog(db: Queryable, log: PaymentLogInput): Promise<PaymentLogRow> {
  const { rows } = await db.query<PaymentLogRow>(
    `INSERT INTO paymentlog (shop_id, organization_bin, operation_type, external_id, amount, status, error_message, provider, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, COALESCE($8, 'kaspi'), COALESCE($9::timestamp, now()))
     RETURNING ${logColumns}`,
    [
      log.shop_id,
      log.organization_bin,
      log.operation_type,
      log.external_id ?? null,
      log.amount ?? null,
      log.status ?? null,
      log.error_message ?? null,
      log.provider ?? null,
      log.created_at ?? null,
    ],
  );
  return rows[0]!;
}

export async function listLogs(db: Queryable, filter: LogFilter = {}): Promise<PaymentLogRow[]> {
  const { rows } = await db.query<PaymentLogRow>(
    `SELECT ${logColumns} FROM paymentlog
     WHERE ($1::integer IS NULL OR shop_id = $1) AND ($2::varchar IS NULL OR external_id = $2)
     ORDER BY id`,
    [filter.shop_id ?? null, filter.external_id ?? null],
  );
  return rows;
}

/** `2025-11-03 10:00:00.000` in UTC: what a naive timestamp column must get for an instant. */
export function naiveUtc(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('T', ' ').replace('Z', '');
}

/** The config that owns a BIN; the oldest when (wrongly) several shops share one. */
export async function findConfigByBin(db: Queryable, bin: string): Promise<PaymentConfigRow | undefined> {
  const { rows } = await db.query<PaymentConfigRow>(
    `SELECT ${configColumns} FROM paymentconfig WHERE organization_bin = $1 ORDER BY id LIMIT 1`,
    [bin],
  );
  return rows[0];
}

export interface NewConfig {
  shop_id: number | string;
  organization_bin: string;
  device_token?: string | null;
  is_active?: boolean;
  provider?: string;
}

/** Creates a config; undefined when the shop already has one (the caller answers 400). */
export async function insertConfig(db: Queryable, config: NewConfig): Promise<PaymentConfigRow | undefined> {
  const { rows } = await db.query<PaymentConfigRow>(
    `INSERT INTO paymentconfig (shop_id, organization_bin, device_token, is_active, provider)
     VALUES ($1, $2, $3, COALESCE($4, TRUE), COALESCE($5, 'kaspi'))
     ON CONFLICT (shop_id) DO NOTHING
     RETURNING ${configColumns}`,
    [
      config.shop_id,
      config.organization_bin,
      config.device_token ?? null,
      config.is_active ?? null,
      config.provider ?? null,
    ],
  );
  return rows[0];
}

/** Partial update in one statement (no read-modify-write race); undefined when there is no config. */
export async function patchConfig(
  db: Queryable,
  shopId: number | string,
  patch: ConfigPatch,
): Promise<PaymentConfigRow | undefined> {
  const { rows } = await db.query<PaymentConfigRow>(
    `UPDATE paymentconfig SET
       organization_bin = COALESCE($2, organization_bin),
       device_token = CASE WHEN $3::boolean THEN $4 ELSE device_token END,
       is_active = COALESCE($5, is_active),
       provider = COALESCE($6, provider)
     WHERE shop_id = $1 RETURNING ${configColumns}`,
    [
      shopId,
      patch.organization_bin ?? null,
      patch.device_token !== undefined,
      patch.device_token ?? null,
      patch.is_active ?? null,
      patch.provider ?? null,
    ],
  );
  return rows[0];
}

/** The newest logs first, as the deployed `GET /admin/logs` lists them. */
export async function listRecentLogs(
  db: Queryable,
  filter: { shop_id?: number | string; limit: number | string },
): Promise<PaymentLogRow[]> {
  const { rows } = await db.query<PaymentLogRow>(
    `SELECT ${logColumns} FROM paymentlog WHERE ($1::integer IS NULL OR shop_id = $1)
     ORDER BY created_at DESC, id DESC LIMIT $2`,
    [filter.shop_id ?? null, filter.limit],
  );
  return rows;
}

/** The payment (create or create-link) a Kaspi id belongs to. */
export async function findPaymentLog(db: Queryable, externalId: string): Promise<PaymentLogRow | undefined> {
  const { rows } = await db.query<PaymentLogRow>(
    `SELECT ${logColumns} FROM paymentlog
     WHERE external_id = $1 AND operation_type IN ('create', 'create-link') ORDER BY id DESC LIMIT 1`,
    [externalId],
  );
  return rows[0];
}

export async function updateLogStatus(
  db: Queryable,
  id: number,
  status: string,
  errorMessage: string | null = null,
): Promise<void> {
  await db.query(
    'UPDATE paymentlog SET status = $2, error_message = COALESCE($3, error_message) WHERE id = $1',
    [id, status, errorMessage],
  );
}

/**
 * Payments still waiting for a final status whose age (on the simulator clock) lies in
 * [minAgeMs, maxAgeMs), oldest first, at most `limit`: one run of the background poller.
 */
export async function pendingPayments(
  db: Queryable,
  window: { nowMs: number; minAgeMs: number; maxAgeMs: number; limit: number },
): Promise<PaymentLogRow[]> {
  const { rows } = await db.query<PaymentLogRow>(
    `SELECT ${logColumns} FROM paymentlog
     WHERE operation_type IN ('create', 'create-link') AND external_id IS NOT NULL
       AND (status IS NULL OR status NOT IN ('Processed', 'Error'))
       AND created_at <= $1::timestamp AND created_at > $2::timestamp
     ORDER BY created_at, id LIMIT $3`,
    [naiveUtc(window.nowMs - window.minAgeMs), naiveUtc(window.nowMs - window.maxAgeMs), window.limit],
  );
  return rows;
}

/** A request the data cannot satisfy (as opposed to a database failure). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
