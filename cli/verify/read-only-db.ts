/**
 * The verifier's view of the payment-service's PostgreSQL: SELECT statements only, in a session
 * that PostgreSQL itself keeps read-only (default_transaction_read_only), so even a mistake here
 * could not write. Tests run it as a role that has nothing but SELECT grants.
 */
import pg from 'pg';

export interface ConfigRecord {
  shop_id: number;
  organization_bin: string;
  device_token: string | null;
  is_active: boolean;
}

export interface DatabaseView {
  configs: ConfigRecord[];
  /** shop_ids that appear more than once (possible when the unique index is missing). */
  duplicateShopIds: number[];
  logCount: number;
}

export async function readDatabase(databaseUrl: string): Promise<DatabaseView> {
  const client = new pg.Client({
    connectionString: databaseUrl,
    options: '-c default_transaction_read_only=on',
    connectionTimeoutMillis: 10_000,
    application_name: 'kaspi-harness-verify',
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const configs = await client.query<ConfigRecord>(
      'SELECT shop_id, organization_bin, device_token, is_active FROM paymentconfig ORDER BY shop_id, id',
    );
    const duplicates = await client.query<{ shop_id: number }>(
      'SELECT shop_id FROM paymentconfig GROUP BY shop_id HAVING COUNT(*) > 1 ORDER BY shop_id',
    );
    const logs = await client.query<{ count: string }>('SELECT COUNT(*) AS count FROM paymentlog');
    return {
      configs: configs.rows,
      duplicateShopIds: duplicates.rows.map((row) => row.shop_id),
      logCount: Number(logs.rows[0]?.count ?? 0),
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}
