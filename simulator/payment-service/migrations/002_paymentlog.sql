-- paymentlog, as the deployed payment-service creates it: an audit row per Kaspi operation.
-- No foreign key to paymentconfig: production has none, and logs outlive deleted configs.
CREATE TABLE paymentlog (
  id SERIAL PRIMARY KEY,
  shop_id INTEGER NOT NULL,
  organization_bin VARCHAR(12) NOT NULL,
  operation_type VARCHAR(20) NOT NULL,
  external_id VARCHAR(50) NULL,
  amount INTEGER NULL,
  status VARCHAR(50) NULL,
  error_message VARCHAR(500) NULL,
  provider VARCHAR(20) NOT NULL DEFAULT 'kaspi',
  created_at TIMESTAMP DEFAULT now()
);

CREATE INDEX ix_paymentlog_external_id ON paymentlog (external_id);
CREATE INDEX ix_paymentlog_created_at ON paymentlog (created_at);
