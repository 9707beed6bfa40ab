-- paymentconfig, as the deployed payment-service (SQLModel on PostgreSQL) creates it:
-- one row per seller shop, naming the Kaspi organization (BIN) and device token that receive its money.
-- Index names follow SQLAlchemy's ix_<table>_<column>, so the schema diffs cleanly against production.
CREATE TABLE paymentconfig (
  id SERIAL PRIMARY KEY,
  shop_id INTEGER NOT NULL,
  organization_bin VARCHAR(12) NOT NULL,
  device_token VARCHAR(50) NULL,
  is_active BOOLEAN NOT NULL DEFAULT TRUE,
  provider VARCHAR(20) NOT NULL DEFAULT 'kaspi',
  created_at TIMESTAMP DEFAULT now(),
  updated_at TIMESTAMP DEFAULT now()
);

-- unique=True, index=True in SQLModel: a single unique index.
CREATE UNIQUE INDEX ix_paymentconfig_shop_id ON paymentconfig (shop_id);

-- updated_at is "set on change": the database does it, so every writer (service, control API, psql) agrees.
CREATE FUNCTION paymentconfig_touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;

CREATE TRIGGER paymentconfig_updated_at
  BEFORE UPDATE ON paymentconfig
  FOR EACH ROW EXECUTE FUNCTION paymentconfig_touch_updated_at();
