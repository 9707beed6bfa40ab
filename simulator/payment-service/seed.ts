/** Puts the fixtures' sellers into paymentconfig: the state every scenario starts from. */
import type pg from 'pg';
import type { Seller } from '../../fixtures/organizations.ts';

type SeedSeller = Pick<Seller, 'shopId' | 'bin' | 'deviceToken'>;

const upsertSql = `
  INSERT INTO paymentconfig (shop_id, organization_bin, device_token, is_active, provider)
  SELECT shop_id, organization_bin, device_token, TRUE, 'kaspi'
  FROM unnest($1::integer[], $2::varchar[], $3::varchar[]) AS s(shop_id, organization_bin, device_token)
  ON CONFLICT (shop_id) DO UPDATE SET organization_bin = EXCLUDED.organization_bin,
    device_token = EXCLUDED.device_token, is_active = TRUE, provider = 'kaspi'
  -- An unchanged row is not rewritten, so its updated_at keeps meaning "last real change".
  WHERE (paymentconfig.organization_bin, paymentconfig.device_token, paymentconfig.is_active, paymentconfig.provider)
    IS DISTINCT FROM (EXCLUDED.organization_bin, EXCLUDED.device_token, TRUE, 'kaspi')`;

function seedParams(sellers: readonly SeedSeller[]): [number[], string[], string[]] {
  return [sellers.map((s) => s.shopId), sellers.map((s) => s.bin), sellers.map((s) => s.deviceToken)];
}

/** Upserts one config per seller; configs of other shops are left alone. */
export async function seedConfigs(pool: pg.Pool, sellers: readonly SeedSeller[]): Promise<void> {
  await pool.query(upsertSql, seedParams(sellers));
}

/**
 * Exactly the fixtures again: configs of other shops deleted, the sellers' restored, logs emptied
 * (ids restart), in one transaction so a concurrent reader never sees half a reset.
 */
export async function resetData(pool: pg.Pool, sellers: readonly SeedSeller[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('DELETE FROM paymentconfig WHERE NOT (shop_id = ANY($1::integer[]))', [
      sellers.map((s) => s.shopId),
    ]);
    await client.query(upsertSql, seedParams(sellers));
    await client.query('TRUNCATE paymentlog RESTART IDENTITY');
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
