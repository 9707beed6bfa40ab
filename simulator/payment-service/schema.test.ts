import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { useParts } from '../../platform/testing.ts';
import { assemble } from '../../platform/lifecycle.ts';
import { sellers } from '../../fixtures/organizations.ts';
import { createPool } from './db.ts';
import { loadMigrations, migrate } from './migrate.ts';
import { resetData, seedConfigs } from './seed.ts';
import { startTestPostgres } from './test-support.ts';

const parts = useParts(assemble().with('postgres', startTestPostgres));
const pools: pg.Pool[] = [];

async function freshPool(name: string): Promise<pg.Pool> {
  const pool = createPool(await parts.postgres.createDatabase(name));
  pools.push(pool);
  return pool;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.end()));
});

interface ColumnInfo {
  column_name: string;
  data_type: string;
  character_maximum_length: number | null;
  is_nullable: 'YES' | 'NO';
  column_default: string | null;
}

async function columns(pool: pg.Pool, table: string): Promise<ColumnInfo[]> {
  const { rows } = await pool.query<ColumnInfo>(
    `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
     FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  return rows;
}

const col = (
  column_name: string,
  data_type: string,
  character_maximum_length: number | null,
  is_nullable: 'YES' | 'NO',
  column_default: string | null,
): ColumnInfo => ({ column_name, data_type, character_maximum_length, is_nullable, column_default });

describe('payment-service schema (reference: payment-service.md, "Database")', () => {
  it('creates paymentconfig exactly as the deployed service', async () => {
    const pool = await freshPool('schema_config');
    await migrate(pool);
    expect(await columns(pool, 'paymentconfig')).toEqual([
      col('id', 'integer', null, 'NO', "nextval('paymentconfig_id_seq'::regclass)"),
      col('shop_id', 'integer', null, 'NO', null),
      col('organization_bin', 'character varying', 12, 'NO', null),
      col('device_token', 'character varying', 50, 'YES', null),
      col('is_active', 'boolean', null, 'NO', 'true'),
      col('provider', 'character varying', 20, 'NO', "'kaspi'::character varying"),
      col('created_at', 'timestamp without time zone', null, 'YES', 'now()'),
      col('updated_at', 'timestamp without time zone', null, 'YES', 'now()'),
    ]);
  });

  it('creates paymentlog exactly as the deployed service', async () => {
    const pool = await freshPool('schema_log');
    await migrate(pool);
    expect(await columns(pool, 'paymentlog')).toEqual([
      col('id', 'integer', null, 'NO', "nextval('paymentlog_id_seq'::regclass)"),
      col('shop_id', 'integer', null, 'NO', null),
      col('organization_bin', 'character varying', 12, 'NO', null),
      col('operation_type', 'character varying', 20, 'NO', null),
      col('external_id', 'character varying', 50, 'YES', null),
      col('amount', 'integer', null, 'YES', null),
      col('status', 'character varying', 50, 'YES', null),
      col('error_message', 'character varying', 500, 'YES', null),
      col('provider', 'character varying', 20, 'NO', "'kaspi'::character varying"),
      col('created_at', 'timestamp without time zone', null, 'YES', 'now()'),
    ]);
  });

  it('has the primary keys, the unique shop_id index and the indexed log columns', async () => {
    const pool = await freshPool('schema_indexes');
    await migrate(pool);
    const { rows } = await pool.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'
       AND tablename IN ('paymentconfig', 'paymentlog') ORDER BY indexname`,
    );
    expect(rows.map((r) => r.indexdef.replace(/ USING btree/, '').replace('public.', ''))).toEqual([
      'CREATE UNIQUE INDEX ix_paymentconfig_shop_id ON paymentconfig (shop_id)',
      'CREATE INDEX ix_paymentlog_created_at ON paymentlog (created_at)',
      'CREATE INDEX ix_paymentlog_external_id ON paymentlog (external_id)',
      'CREATE UNIQUE INDEX paymentconfig_pkey ON paymentconfig (id)',
      'CREATE UNIQUE INDEX paymentlog_pkey ON paymentlog (id)',
    ]);
    await pool.query(`INSERT INTO paymentconfig (shop_id, organization_bin) VALUES (1, '111111111111')`);
    await expect(
      pool.query(`INSERT INTO paymentconfig (shop_id, organization_bin) VALUES (1, '222222222222')`),
    ).rejects.toThrow(/duplicate key/);
  });

  it('sets updated_at on change, and only then', async () => {
    const pool = await freshPool('schema_trigger');
    await migrate(pool);
    await pool.query(
      `INSERT INTO paymentconfig (shop_id, organization_bin, created_at, updated_at)
       VALUES (7, '111111111111', '2020-01-01', '2020-01-01')`,
    );
    await pool.query(`UPDATE paymentconfig SET is_active = false WHERE shop_id = 7`);
    const { rows } = await pool.query<{ created_at: string; updated_at: string }>(
      'SELECT created_at, updated_at FROM paymentconfig WHERE shop_id = 7',
    );
    expect(rows[0]!.created_at).toBe('2020-01-01T00:00:00');
    expect(rows[0]!.updated_at > '2024').toBe(true);
  });

  it('migrates idempotently, recording each version once, even when two run at the same time', async () => {
    const pool = await freshPool('schema_idempotent');
    const versions = (await loadMigrations()).map((m) => m.version);
    expect(versions).toEqual(['001', '002']);
    const [first, second] = await Promise.all([migrate(pool), migrate(pool)]);
    expect([...first!, ...second!].sort()).toEqual(versions);
    expect(await migrate(pool)).toEqual([]);
    const { rows } = await pool.query<{ version: string; name: string }>(
      'SELECT version, name FROM schema_migrations ORDER BY version',
    );
    expect(rows).toEqual([
      { version: '001', name: 'paymentconfig' },
      { version: '002', name: 'paymentlog' },
    ]);
  });

  it('seeds one active kaspi config per seller with its BIN and device token, idempotently', async () => {
    const pool = await freshPool('schema_seed');
    await migrate(pool);
    await seedConfigs(pool, sellers);
    await seedConfigs(pool, sellers);
    const { rows } = await pool.query<{
      shop_id: number;
      organization_bin: string;
      device_token: string;
      is_active: boolean;
      provider: string;
    }>(
      'SELECT shop_id, organization_bin, device_token, is_active, provider FROM paymentconfig ORDER BY shop_id',
    );
    const expected = [...sellers]
      .sort((a, b) => a.shopId - b.shopId)
      .map((s) => ({
        shop_id: s.shopId,
        organization_bin: s.bin,
        device_token: s.deviceToken,
        is_active: true,
        provider: 'kaspi',
      }));
    expect(rows).toEqual(expected);
    expect(rows).toHaveLength(7);
  });

  it('reset restores the fixtures exactly and empties the logs', async () => {
    const pool = await freshPool('schema_reset');
    await migrate(pool);
    await seedConfigs(pool, sellers);
    const eileen = sellers[0]!;
    await pool.query(
      `UPDATE paymentconfig SET organization_bin = '000000000000', is_active = false WHERE shop_id = $1`,
      [eileen.shopId],
    );
    await pool.query(`INSERT INTO paymentconfig (shop_id, organization_bin) VALUES (424242, '111111111111')`);
    await pool.query(
      `INSERT INTO paymentlog (shop_id, organization_bin, operation_type) VALUES (1, '1', 'create')`,
    );
    await resetData(pool, sellers);
    const configs = await pool.query<{ shop_id: number; organization_bin: string; is_active: boolean }>(
      'SELECT shop_id, organization_bin, is_active FROM paymentconfig',
    );
    expect(configs.rows.map((r) => r.shop_id).sort()).toEqual(sellers.map((s) => s.shopId).sort());
    expect(configs.rows.find((r) => r.shop_id === eileen.shopId)).toEqual({
      shop_id: eileen.shopId,
      organization_bin: eileen.bin,
      is_active: true,
    });
    expect((await pool.query('SELECT 1 FROM paymentlog')).rowCount).toBe(0);
  });
});
