/**
 * [runbook] The deployment guide's own snippets, run against the stack as an operator would paste
 * them: the step 6 SQL against b_option, the step 7 PHP smoke test, the step 2 backup and the
 * rollback's restore. Each is reported with what works and what does not, and why — the guide is
 * not assumed to be right. The expected outcomes below are the guide's as written (2025-11-03).
 */
import { beforeAll, describe, expect, test } from 'vitest';
import type { RunbookCheck } from '../simulator/bitrix/runbook.ts';
import { recordFinding } from './support/findings.ts';
import { connectToStack } from './support/stack-context.ts';

const stack = connectToStack();
let checks: RunbookCheck[] = [];

/** What each snippet does on a real Bitrix, and so must do here. */
const expected: { step: string; works: boolean; because: string }[] = [
  {
    step: 'step 6: store payment_service_url (guide SQL)',
    works: false,
    because: 'b_option has NAME / VALUE columns, not OPTION_NAME / OPTION_VALUE',
  },
  { step: 'step 6: verify (guide SQL)', works: false, because: 'the same wrong column names' },
  { step: 'step 6: corrected statement (NAME / VALUE)', works: true, because: 'the real columns' },
  {
    step: 'step 7: PHP smoke test',
    works: true,
    because: '121038 → 920317450731 through the payment-service',
  },
  { step: 'step 2: back up ApiClient.php', works: true, because: 'a plain cp' },
  { step: 'rollback: restore the backup and verify', works: true, because: 'one backup: cp restores it' },
  {
    step: 'rollback after a second deployment (two backups)',
    works: false,
    because: 'the glob names several backups and cp refuses',
  },
];

beforeAll(async () => {
  if (!stack.info.harness)
    throw new Error('this stack has no harness control API (runbook checks run on the native stack)');
  const response = await fetch(`${stack.info.harness.controlUrl}/runbook`, { method: 'POST' });
  if (!response.ok)
    throw new Error(`runbook checks answered HTTP ${response.status}: ${await response.text()}`);
  checks = (await response.json()) as RunbookCheck[];
}, 120_000);

describe("[runbook] the deployment guide's snippets, pasted as an operator would", () => {
  for (const { step, works, because } of expected) {
    test(`${step}: ${works ? 'works' : 'fails'} (${because})`, ({ task }) => {
      const check = checks.find((candidate) => candidate.step === step);
      expect(check, `the runbook ran "${step}"`).toBeDefined();
      if (!check!.ok || check!.reason) {
        recordFinding(task.meta, {
          suite: 'runbook',
          key: `runbook:${step}`,
          severity: check!.ok ? 'info' : 'warning',
          message: `${step}: ${check!.ok ? 'works, but' : 'does not work:'} ${check!.reason ?? ''}`.trim(),
          evidence: { snippet: check!.snippet.slice(0, 400), output: check!.output.slice(0, 600) },
        });
      }
      expect(check!.ok, `${step}: ${check!.reason ?? ''}\n${check!.output}`).toBe(works);
    });
  }

  test('every snippet the runbook ran is accounted for above', () => {
    expect(checks.map((check) => check.step).sort()).toEqual(expected.map((e) => e.step).sort());
  });
});
