import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sellers } from '../../fixtures/organizations.ts';
import { newRunId } from '../../platform/run-dir.ts';
import { verifyDeployment } from '../verify/checks.ts';
import { declareLine, renderSummary, writeReports } from '../verify/output.ts';
import { UsageError, integerFlag, type Command } from '../command.ts';
import { loadConfig } from '../config.ts';
import { adoptSellersFile } from '../run-options.ts';
import { ensureReachable } from '../unreachable.ts';

const options = {
  'payment-service-url': { type: 'string' },
  'database-url': { type: 'string' },
  expect: { type: 'string' },
  'timeout-ms': { type: 'string' },
  'reports-dir': { type: 'string' },
  'sellers-file': { type: 'string' },
  config: { type: 'string' },
} as const;

const contracts = ['guide', 'deployed', 'both'] as const;

export const verifyCommand: Command = {
  name: 'verify',
  help: `Usage: kaspi-harness verify --payment-service-url URL [--database-url URL] [options]

The deployment guide's pre-deployment checks and "test each seller" step, automated: health, the
contract the service really serves (guide and deployed both probed, drift reported with the nearest
routes), each seller's config (BIN, active, device token present), no unexpected or duplicate shops,
and with --database-url the paymentconfig table itself. It ends with the
--payment-service-contract option that makes the harness serve what this deployment serves (when
the service publishes /openapi.json, as FastAPI does, the document is saved beside the report).

Read-only: only GET requests, only SELECT statements in a read-only session. Device tokens are
masked in everything printed or written. Exit code 1 on any mismatch.

Options:
  --payment-service-url URL  the service root (a trailing /api, as in the Bitrix option, is accepted)
  --database-url URL         the service's PostgreSQL; a role with SELECT grants is enough
  --expect CONTRACT          guide (default: what the PHP client calls), deployed, or both
  --timeout-ms N             per request (default 10000, the PHP client's)
  --reports-dir DIR          write <run>/verify.json and junit.xml under DIR instead of ./reports
  --sellers-file FILE        the marketplace's sellers to expect (default: the config's sellersFile,
                             else the harness's fixtures/sellers.json)
  --config FILE              config file (default ./kaspi-harness.config.ts when present)`,
  async run(argv) {
    const { values } = parseArgs({ args: argv, options, strict: true });
    const serviceUrl = values['payment-service-url'];
    if (!serviceUrl) throw new UsageError('--payment-service-url is required');
    const expect = values.expect ?? 'guide';
    if (!(contracts as readonly string[]).includes(expect)) {
      throw new UsageError(`--expect must be one of ${contracts.join(', ')}, got "${expect}"`);
    }
    const sellersFile =
      values['sellers-file'] ?? (await loadConfig(process.cwd(), values.config)).sellersFile;
    if (sellersFile) adoptSellersFile(sellersFile);
    // Nothing answering at all is one line, not a report of every check failing for the same reason.
    await ensureReachable({
      what: 'the payment-service',
      url: serviceUrl,
      hint: 'check --payment-service-url (the service root, as in the Bitrix option) and that the service is running',
    });
    const report = await verifyDeployment({
      serviceUrl,
      databaseUrl: values['database-url'],
      sellers,
      expect: expect as (typeof contracts)[number],
      timeoutMs: integerFlag('timeout-ms', values['timeout-ms']),
    });
    const dir = join(resolve(values['reports-dir'] ?? 'reports'), `verify-${newRunId()}`);
    const written = await writeReports(report, dir);
    console.log(renderSummary(report));
    console.log(declareLine(report, written.openapi));
    console.log(`Report: ${written.json}, ${written.junit}`);
    return report.passed ? 0 : 1;
  },
};
