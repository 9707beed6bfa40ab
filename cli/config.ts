/**
 * `kaspi-harness.config.ts`: one typed file for what the flags hold, found in the working directory
 * (like playwright.config.ts). Flags override it.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export type StackProvider = 'auto' | 'native' | 'docker' | 'external';

export interface HarnessConfig {
  /** Seed for customers and baskets; the same seed replays a run. */
  seed?: number;
  /** The team's own `local/classes` tree instead of the reference classes. */
  phpClasses?: string;
  /** The team's own `local/php_interface/init.php`. */
  phpInit?: string;
  /** harness-files.json: files the team's code opens by absolute path, made from test material. */
  phpFiles?: string;
  /** Where `<run>/` report folders go (default ./reports). */
  reportsDir?: string;
  /** How the stack runs: local processes, containers, an already running stack, or auto (default: native where PHP and the databases are installed, else docker). */
  stack?: StackProvider;
  /** For `stack: 'external'`: the StackInfo JSON that `kaspi-harness up --json` printed. */
  stackFile?: string;
  /** Suites `run` runs by default (file names under scenarios/, without `.test.ts`). */
  suites?: string[];
  /** Only these shop ids (default: every seller of fixtures/sellers.json). */
  sellers?: number[];
  /**
   * The contract the site's payment-service serves: `guide` (default), `deployed`, or the path of an
   * OpenAPI document (FastAPI's /openapi.json). The whole stack serves it; a call it does not serve
   * fails the run. `kaspi-harness verify --payment-service-url URL` tells which one a deployment serves.
   */
  paymentServiceContract?: string;
  /**
   * Findings of severity `defect` the team accepts, by key (as the report prints it), each with the
   * written reason; any other defect fails the run.
   */
  acceptedFindings?: Record<string, string>;
}

export function defineConfig(config: HarnessConfig): HarnessConfig {
  return config;
}

export const configFileName = 'kaspi-harness.config.ts';

export async function loadConfig(cwd = process.cwd(), explicit?: string): Promise<HarnessConfig> {
  const file = explicit ? resolve(cwd, explicit) : join(cwd, configFileName);
  if (!existsSync(file)) {
    if (explicit) throw new Error(`--config ${explicit}: no such file`);
    return {};
  }
  const loaded = (await import(pathToFileURL(file).href)) as { default?: HarnessConfig };
  if (!loaded.default || typeof loaded.default !== 'object') {
    throw new Error(`${file} must \`export default defineConfig({ … })\``);
  }
  return loaded.default;
}
