/** JUnit XML for CI: one testsuite per scenario file, routing facts as testcase properties. */
import { maskToken } from '../../fixtures/organizations.ts';
import { escapeXml } from '../../platform/xml.ts';
import type { ReportedTest, RunReport } from './model.ts';

function testCaseXml(test: ReportedTest): string {
  const seconds = (test.durationMs / 1000).toFixed(3);
  const lines = [
    `    <testcase classname="${escapeXml(test.file)}" name="${escapeXml(test.name)}" time="${seconds}">`,
  ];
  if (test.routing) {
    const r = test.routing;
    const props: [string, string][] = [
      ['seller', `${r.sellerName} (${r.shopId})`],
      ['expected_bin', r.expectedBin],
      ['received_bin', r.receivedBin ?? 'none'],
      ['received_token', maskToken(r.receivedToken)],
      ['verdict', r.verdict],
      ['reason', r.reason],
      ...(test.cause ? ([['cause', `${test.cause.hop}: ${test.cause.what}`]] as [string, string][]) : []),
    ];
    lines.push('      <properties>');
    for (const [name, value] of props)
      lines.push(`        <property name="${name}" value="${escapeXml(value)}"/>`);
    lines.push('      </properties>');
  }
  if (test.state === 'skipped') lines.push('      <skipped/>');
  if (test.state === 'failed') {
    const message = test.routing && !test.routing.passed ? test.routing.reason : (test.errors[0] ?? 'failed');
    lines.push(
      `      <failure message="${escapeXml(message.split('\n')[0] ?? '')}">${escapeXml(test.errors.join('\n\n'))}</failure>`,
    );
  }
  lines.push('    </testcase>');
  return lines.join('\n');
}

export function renderJunit(report: RunReport): string {
  const byFile = new Map<string, ReportedTest[]>();
  for (const test of report.tests) byFile.set(test.file, [...(byFile.get(test.file) ?? []), test]);
  const suites = [...byFile].map(([file, tests]) => {
    const failures = tests.filter((t) => t.state === 'failed').length;
    const skipped = tests.filter((t) => t.state === 'skipped').length;
    const time = (tests.reduce((sum, t) => sum + t.durationMs, 0) / 1000).toFixed(3);
    return [
      `  <testsuite name="${escapeXml(file)}" tests="${tests.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time}" timestamp="${report.startedAt}">`,
      ...tests.map(testCaseXml),
      '  </testsuite>',
    ].join('\n');
  });
  const t = report.totals;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="kaspi-harness ${escapeXml(report.runId)}" tests="${t.tests}" failures="${t.failed}" errors="0" skipped="${t.skipped}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
