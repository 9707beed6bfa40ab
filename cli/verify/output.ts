/**
 * The verifier's outputs: a terminal summary, verify.json and junit.xml, every one of them with
 * device tokens masked (tokens are credentials for a seller's Kaspi device).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { maskToken } from '../../fixtures/organizations.ts';
import { escapeXml } from '../../platform/xml.ts';
import { contractToDeclare, type VerifyReport } from './checks.ts';

const uuid = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const tokenField = /("?device_?token"?\s*[:=]\s*"?)([^",\s}]+)/gi;

/** Masks UUID-shaped values and anything labelled as a device token. */
export function maskSecrets(text: string): string {
  return text
    .replace(uuid, (match) => maskToken(match))
    .replace(tokenField, (_, label: string, value: string) => `${label}${maskToken(value)}`);
}

export function renderJunit(report: VerifyReport): string {
  const failures = report.checks.filter((c) => !c.passed).length;
  const skipped = report.checks.filter((c) => c.skipped).length;
  const cases = report.checks.map((check) => {
    const open = `    <testcase classname="verify.${check.group}" name="${escapeXml(check.name)}" time="0">`;
    const body = check.skipped
      ? `      <skipped message="${escapeXml(check.detail)}"/>`
      : check.passed
        ? `      <system-out>${escapeXml(check.detail)}</system-out>`
        : `      <failure message="${escapeXml(check.detail)}"/>`;
    return [open, body, '    </testcase>'].join('\n');
  });
  return maskSecrets(
    [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<testsuites name="kaspi-harness verify" tests="${report.checks.length}" failures="${failures}" errors="0" skipped="${skipped}">`,
      `  <testsuite name="verify ${escapeXml(report.serviceUrl)}" tests="${report.checks.length}" failures="${failures}" errors="0" skipped="${skipped}" timestamp="${report.startedAt}">`,
      ...cases,
      '  </testsuite>',
      '</testsuites>',
      '',
    ].join('\n'),
  );
}

/** The line that tells a team how to declare this deployment's contract to the harness. */
export function declareLine(report: VerifyReport, openapiFile?: string): string {
  const contract = contractToDeclare(report.contract);
  if (contract === 'guide' || contract === 'deployed')
    return `This deployment serves the ${contract} contract${report.contract.guide && report.contract.deployed ? " (and the deployed one: the PHP client calls the guide's)" : ''}: run the harness with --payment-service-contract ${contract} (config key paymentServiceContract).`;
  if (contract === 'openapi' && openapiFile)
    return `This deployment serves neither the guide's nor the deployed contract as the harness knows them; it describes itself: run the harness with --payment-service-contract ${openapiFile}`;
  return 'This deployment serves neither contract the harness knows and publishes no /openapi.json: describe its routes in an OpenAPI file and pass it with --payment-service-contract FILE.';
}

export function renderSummary(report: VerifyReport): string {
  const lines = [`verify ${report.serviceUrl}${report.databaseChecked ? ' (+ database)' : ''}`];
  for (const check of report.checks) {
    const mark = check.skipped ? '-' : check.passed ? '✔' : '✘';
    lines.push(`  ${mark} [${check.group}] ${check.name}: ${check.detail}`);
  }
  const failed = report.checks.filter((c) => !c.passed).length;
  lines.push(
    report.passed
      ? `PASS — ${report.checks.length} checks`
      : `FAIL — ${failed} of ${report.checks.length} checks failed`,
  );
  return maskSecrets(lines.join('\n'));
}

export async function writeReports(
  report: VerifyReport,
  dir: string,
): Promise<{ json: string; junit: string; openapi?: string }> {
  await mkdir(dir, { recursive: true });
  const json = join(dir, 'verify.json');
  const junit = join(dir, 'junit.xml');
  await writeFile(json, `${maskSecrets(JSON.stringify(report, null, 2))}\n`);
  await writeFile(junit, renderJunit(report));
  const openapi = report.contract.openapi ? join(dir, 'openapi.json') : undefined;
  if (openapi) await writeFile(openapi, `${JSON.stringify(report.contract.openapi, null, 2)}\n`);
  return { json, junit, ...(openapi ? { openapi } : {}) };
}
