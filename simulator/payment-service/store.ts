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
    `INSERT INTO paymentlog (shop_id, organization_bin, operation_type, external_id, amount, status, error_message, provider)
     VALUES ($1, $2, $3, $4, $5, $6, $7, COALESCE($8, 'kaspi'))
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

/** A request the data cannot satisfy (as opposed to a database failure). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
