/**
 * [runbook] The deployment guide's own snippets, run against the stack as an operator would paste
 * them: the step 6 SQL against b_option, the step 7 PHP smoke test, the step 2 backup and the
 * rollback's restore. Each is reported with what works and what does not, and why — the guide is
 * not assumed to be right. The expected outcomes below are the guide's as written (2025-11-03).
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { guideOutcomes, type RunbookCheck } from '../simulator/bitrix/runbook.ts';
import { recordFinding } from './support/findings.ts';
import { connectToStack } from './support/stack-context.ts';

const stack = connectToStack();
let checks: RunbookCheck[] = [];

beforeAll(async () => {
  if (!stack.info.harness)
    throw new Error(
      'this stack has no harness control API: the runbook checks run on a stack the harness booted (native or docker), not an external one',
    );
  const response = await fetch(`${stack.info.harness.controlUrl}/runbook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
  });
  if (!response.ok)
    throw new Error(`runbook checks answered HTTP ${response.status}: ${await response.text()}`);
  checks = (await response.json()) as RunbookCheck[];
}, 120_000);

describe("[runbook] the deployment guide's snippets, pasted as an operator would", () => {
  for (const { step, works, because } of guideOutcomes) {
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
    expect(checks.map((check) => check.step).sort()).toEqual(guideOutcomes.map((e) => e.step).sort());
  });
});
