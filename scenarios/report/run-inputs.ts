/**
 * A run's inputs as a shard records them (model.ts RunInputs): what the team handed the harness, files
 * by content, and the CI pipeline, so that `kaspi-harness report --merge` can tell the shards of one
 * run from shards of another.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { RunSettings } from '../../stack/run-settings.ts';
import type { RunInputs } from './model.ts';

/** `sha256:…` of a file, or of a tree's relative paths and contents in a fixed order. */
export function contentDigest(path: string): string {
  const hash = createHash('sha256');
  const add = (file: string, name: string) => {
    hash.update(`${name}\0`);
    hash.update(readFileSync(file));
    hash.update('\0');
  };
  if (statSync(path).isDirectory()) {
    const files = readdirSync(path, { recursive: true, withFileTypes: true })
      .map((entry) => join(entry.parentPath, entry.name))
      .filter((file) => existsSync(file) && statSync(file).isFile())
      .sort();
    for (const file of files) add(file, relative(path, file).split(sep).join('/'));
  } else add(path, '');
  return `sha256:${hash.digest('hex')}`;
}

/** The CI pipeline this process runs in, named by the CI's own run id; null outside GitHub and GitLab. */
export function ciPipeline(env: NodeJS.ProcessEnv = process.env): string | null {
  // Not the attempt: a re-run of one failed shard job belongs to the same run as its sibling shards.
  if (env.GITHUB_ACTIONS === 'true' && env.GITHUB_RUN_ID)
    return `github:${env.GITHUB_REPOSITORY ?? ''}#${env.GITHUB_RUN_ID}`;
  if (env.GITLAB_CI === 'true' && env.CI_PIPELINE_ID)
    return `gitlab:${env.CI_PROJECT_PATH ?? ''}#${env.CI_PIPELINE_ID}`;
  return null;
}

const digestOrNull = (path: string | undefined): string | null => (path ? contentDigest(path) : null);

export function runInputsOf(settings: RunSettings, env: NodeJS.ProcessEnv = process.env): RunInputs {
  const contract = settings.paymentServiceContract;
  return {
    suites: settings.suites ? [...settings.suites].sort() : null,
    sellers: settings.sellers ? [...settings.sellers].sort((a, b) => a - b) : null,
    paymentServiceContract:
      contract === undefined
        ? null
        : contract === 'guide' || contract === 'deployed'
          ? contract
          : contentDigest(contract),
    phpClasses: digestOrNull(settings.php.classesDir),
    phpInit: digestOrNull(settings.php.initFile),
    phpFiles: digestOrNull(settings.php.filesConfig),
    sellersFile: digestOrNull(settings.sellersFile),
    siteScenarios: digestOrNull(settings.scenariosDir),
    acceptedFindings: Object.fromEntries(
      Object.entries(settings.acceptedFindings).sort(([a], [b]) => a.localeCompare(b)),
    ),
    ci: ciPipeline(env),
  };
}
