/**
 * The simulator's connection pool. Timestamps come back as FastAPI would print them (naive ISO
 * strings, UTC) instead of JS Dates, so an answer matches the real service's to the character.
 */
import pg from 'pg';

const TIMESTAMP_OID = 1114;

/** `2025-11-03 10:00:00.12` → `2025-11-03T10:00:00.120000` (Python's datetime.isoformat()). */
export function pythonIsoTimestamp(text: string): string {
  const [date, time = '00:00:00'] = text.split(' ');
  const [whole = '00:00:00', fraction = ''] = time.split('.');
  const micros = fraction.padEnd(6, '0').slice(0, 6);
  return Number(micros) === 0 ? `${date}T${whole}` : `${date}T${whole}.${micros}`;
}

const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMP_OID && format !== 'binary'
      ? pythonIsoTimestamp
      : pg.types.getTypeParser(oid, format ?? 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

export function createPool(databaseUrl: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 10,
    types,
    // now() must mean UTC whatever the cluster's default time zone is.
    options: '-c timezone=UTC',
    application_name: 'payment-service-simulator',
  });
  // An idle client losing its server (PostgreSQL stopped first) must not crash the harness.
  pool.on('error', () => undefined);
  return pool;
}
