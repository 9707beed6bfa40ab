/**
 * The deployment guide's snippets against the stub in the production layout: step 6's SQL fails on
 * the real b_option columns (and the corrected statement works, behind the option cache), step 7's
 * smoke test passes (121038 → 920317450731), the rollback restores one backup but not two.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useParts } from '../../platform/testing.ts';
import { assemble } from '../../platform/lifecycle.ts';
import { scratchDir } from '../../platform/run-dir.ts';
import { runRunbookChecks, type RunbookCheck } from './runbook.ts';
import { fixturesPaymentService, runStubPhp, withStub } from './test-support.ts';

const parts = useParts(
  withStub(
    assemble()
      .with('dir', () => scratchDir('kh-runbook-'))
      .with('paymentService', fixturesPaymentService),
    ({ paymentService }) => ({
      seed: 3,
      kaspiUrl: 'http://127.0.0.1:9',
      paymentServiceUrl: `${paymentService.url}/api`,
      productionLayout: 'namespace',
    }),
  )
    .value('apiClientBefore', ({ stub }) =>
      readFileSync(join(stub.documentRoot, 'local/classes/Integration/Kaspi/ApiClient.php')),
    )
    .value('checks', ({ stub }) => runRunbookChecks(stub)),
  90_000,
);

const check = (step: string): RunbookCheck => {
  const found = parts.checks.find((c) => c.step.startsWith(step));
  if (!found) throw new Error(`no check ${step}`);
  return found;
};

describe('step 6 (b_option SQL)', () => {
  it("the guide's statements fail: b_option has no OPTION_NAME / OPTION_VALUE", () => {
    expect(check('step 6: store')).toMatchObject({
      ok: false,
      output: expect.stringContaining("Unknown column 'OPTION_NAME'"),
    });
    expect(check('step 6: store').reason).toMatch(/NAME and VALUE/);
    expect(check('step 6: verify')).toMatchObject({ ok: false });
  });

  it('the corrected statement works, once the option cache is cleared', () => {
    const corrected = check('step 6: corrected');
    expect(corrected.ok).toBe(true);
    expect(corrected.output).toContain(
      'after clearing the cache: https://payment-service.up.railway.app/api',
    );
    expect(corrected.reason).toMatch(/cached value/);
  });
});

describe('step 7 (PHP smoke test, verbatim)', () => {
  it('passes in the production layout: shop 121038 maps to 920317450731', () => {
    const smoke = check('step 7');
    expect(smoke.ok).toBe(true);
    expect(smoke.output).toContain('БИN for shop_id 121038: 920317450731');
    expect(smoke.reason).toMatch(/literal '\\n'/);
  });
});

describe('rollback', () => {
  it('backs up and restores one backup', () => {
    expect(check('step 2')).toMatchObject({ ok: true });
    expect(check('step 2').output).toMatch(/ApiClient\.php\.backup\.\d{8}_\d{6}/);
    expect(check('rollback: restore')).toMatchObject({
      ok: true,
      output: expect.stringContaining('✅ Restored'),
    });
  });

  it('fails with two backups: the glob gives cp several sources', () => {
    expect(check('rollback after')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not a directory/i),
    });
  });

  it('leaves the stub as it found it', async () => {
    expect(
      readFileSync(join(parts.stub.documentRoot, 'local/classes/Integration/Kaspi/ApiClient.php')),
    ).toEqual(parts.apiClientBefore);
    expect(
      await runStubPhp(
        parts.stub,
        `echo \\Bitrix\\Main\\Config\\Option::get('onelab.kaspipay', 'payment_service_url');`,
      ),
    ).toBe(`${parts.paymentService.url}/api`);
  });
});
