/**
 * `kaspi-harness.config.ts` (or .mts, .js, .mjs): one typed file for what the flags hold, found in
 * the working directory (like playwright.config.ts) or named with `--config`, anywhere on disk.
 * Flags override it. It is checked when it loads: an unknown key is refused by name with the nearest
 * valid one, a wrong type says which key and what it expects (exit code 2, as for a bad flag).
 * Relative paths in it are relative to the file.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { z } from 'zod';
import { UsageError } from './command.ts';
import { didYouMean } from './suggest.ts';

export const stackProviders = ['auto', 'native', 'docker', 'external'] as const;
export type StackProvider = (typeof stackProviders)[number];

const path = z.string().min(1, 'a path');

export const harnessConfigSchema = z.strictObject({
  /** Seed for customers and baskets; the same seed replays a run. */
  seed: z.number().int('an integer').optional(),
  /** The team's own `local/classes` tree (default ./local/classes when present, else the reference classes). */
  phpClasses: path.optional(),
  /** The team's own `local/php_interface/init.php` (default ./local/php_interface/init.php when present). */
  phpInit: path.optional(),
  /** harness-files.json: files the team's code opens by absolute path, made from test material. */
  phpFiles: path.optional(),
  /** Where `<run>/` report folders go (default ./reports). */
  reportsDir: path.optional(),
  /** How the stack runs: local processes, containers, an already running stack, or auto (default: native where PHP and the databases are installed, else docker). */
  stack: z.enum(stackProviders).optional(),
  /** For `stack: 'external'`: the StackInfo JSON that `kaspi-harness up --json` printed. */
  stackFile: path.optional(),
  /** The site's own sellers file (the format of the harness's fixtures/sellers.json). */
  sellersFile: path.optional(),
  /** The site's own scenario files, `*.test.ts` under this folder (default ./kaspi-scenarios when present). */
  scenariosDir: path.optional(),
  /** Suites `run` runs by default (catalogue names as `run --list` shows them, or the site's own). */
  suites: z.array(z.string().min(1)).optional(),
  /** Only these shop ids (default: every seller of fixtures/sellers.json). */
  sellers: z.array(z.number().int('a whole shop id').positive('a positive shop id')).optional(),
  /**
   * The contract the site's payment-service serves: `guide` (default), `deployed`, or the path of an
   * OpenAPI document (FastAPI's /openapi.json). The whole stack serves it; a call it does not serve
   * fails the run. `kaspi-harness verify --payment-service-url URL` tells which one a deployment serves.
   */
  paymentServiceContract: z.string().min(1).optional(),
  /**
   * Findings of severity `defect` the team accepts, by key (as the report prints it), each with the
   * written reason; any other defect fails the run.
   */
  acceptedFindings: z.record(z.string(), z.string().trim().min(1, 'a written reason')).optional(),
});

export type HarnessConfig = z.infer<typeof harnessConfigSchema>;

export function defineConfig(config: HarnessConfig): HarnessConfig {
  return config;
}

export const configFileNames = [
  'kaspi-harness.config.ts',
  'kaspi-harness.config.mts',
  'kaspi-harness.config.js',
  'kaspi-harness.config.mjs',
] as const;

const configKeys = Object.keys(harnessConfigSchema.shape);
const pathKeys = [
  'phpClasses',
  'phpInit',
  'phpFiles',
  'reportsDir',
  'stackFile',
  'sellersFile',
  'scenariosDir',
] as const;

/** What a value is, as an error says it: `"abc" (a string)`. */
const shown = (value: unknown): string =>
  `${JSON.stringify(value)?.slice(0, 60) ?? String(value)} (${Array.isArray(value) ? 'a list' : value === null ? 'null' : `a ${typeof value}`})`;

/** One line per problem, naming the key and what it expects. */
function problemsOf(error: z.ZodError, value: Record<string, unknown>): string[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => `unknown key "${key}"${didYouMean(key, configKeys)}`).join('; ');
    const key = issue.path.join('.') || 'the config';
    const given = issue.path.reduce<unknown>(
      (node, step) =>
        node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[step] : undefined,
      value,
    );
    const expected =
      issue.code === 'invalid_type'
        ? issue.expected === 'array'
          ? 'a list'
          : `a ${issue.expected}`
        : issue.code === 'invalid_value'
          ? `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
          : issue.message;
    const hint =
      issue.code === 'invalid_value' && typeof given === 'string'
        ? didYouMean(given, issue.values.map(String))
        : '';
    return `${key} must be ${expected}, got ${shown(given)}${hint}`;
  });
}

/** The file's `export default`, whatever module system its package uses. */
async function importConfig(file: string): Promise<unknown> {
  const loaded = (await tsImport(pathToFileURL(file).href, import.meta.url)) as { default?: unknown };
  let value = loaded.default;
  // A TypeScript file outside an ESM package is compiled to CommonJS: its exports come back as the
  // default, marked __esModule, with its own default export (if any) one level down.
  if (value && typeof value === 'object' && (value as { __esModule?: boolean }).__esModule)
    value = (value as { default?: unknown }).default;
  return value;
}

export async function loadConfig(cwd = process.cwd(), explicit?: string): Promise<HarnessConfig> {
  const file = explicit
    ? resolve(cwd, explicit)
    : configFileNames.map((name) => join(cwd, name)).find((candidate) => existsSync(candidate));
  if (!file) return {};
  if (!existsSync(file)) throw new UsageError(`--config ${explicit}: no such file`);
  let value: unknown;
  try {
    value = await importConfig(file);
  } catch (error) {
    throw new UsageError(`${file} did not load: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new UsageError(`${file} must \`export default defineConfig({ … })\` (an object of settings)`);
  const parsed = harnessConfigSchema.safeParse(value);
  if (!parsed.success)
    throw new UsageError(`${file}: ${problemsOf(parsed.error, value as Record<string, unknown>).join('; ')}`);
  const config = parsed.data;
  for (const key of pathKeys) {
    const relative = config[key];
    if (relative !== undefined && !isAbsolute(relative)) config[key] = resolve(dirname(file), relative);
  }
  // A contract given as a file is a path too; `guide` and `deployed` are names.
  const contract = config.paymentServiceContract;
  if (contract && contract !== 'guide' && contract !== 'deployed' && !isAbsolute(contract))
    config.paymentServiceContract = resolve(dirname(file), contract);
  return config;
}
