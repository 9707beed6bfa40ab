import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderHtml } from '../../scenarios/report/html.ts';
import { reassess, type RunReport } from '../../scenarios/report/model.ts';
import { renderSummary } from '../../scenarios/report/summary.ts';
import { UsageError, type Command } from '../command.ts';

export const reportCommand: Command = {
  name: 'report',
  help: `Usage: kaspi-harness report [RUN] [options]

RUN is a folder under the reports directory, a path to a run folder, or "latest" (default).

Options:
  --reports-dir DIR    where runs are (default ./reports)
  --open               open report.html in the desktop's browser (xdg-open)`,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { 'reports-dir': { type: 'string' }, open: { type: 'boolean', default: false } },
    });
    const reportsDir = resolve(values['reports-dir'] ?? 'reports');
    const name = positionals[0] ?? 'latest';
    const dir = existsSync(join(reportsDir, name)) ? join(reportsDir, name) : resolve(name);
    const resultsFile = join(dir, 'results.json');
    if (!existsSync(resultsFile))
      throw new UsageError(`no results.json in ${dir}: run \`npm run phase6\` first`);
    const report = reassess(JSON.parse(readFileSync(resultsFile, 'utf8')) as RunReport);
    const logs = existsSync(join(dir, 'logs'))
      ? readdirSync(join(dir, 'logs')).map((file) => `logs/${file}`)
      : [];
    const html = join(dir, 'report.html');
    writeFileSync(html, renderHtml(report, { logFiles: logs }));
    console.log(renderSummary(report, { color: process.stdout.isTTY === true, reportDir: dir }));
    console.log(`HTML report: ${html}`);
    if (values.open)
      spawn('xdg-open', [html], { stdio: 'ignore', detached: true })
        .on('error', () => undefined)
        .unref();
    return report.verdict === 'pass' ? 0 : 1;
  },
};
