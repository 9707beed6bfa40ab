/**
 * The options shared by `phase6`, `run` and `up`: flags parsed strictly, laid over
 * kaspi-harness.config.ts, checked once (paths exist, the contract can be served), and turned into
 * what a runner gets (stack/run-settings.ts) or a stack this process boots (stack/stack.ts).
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { useSellersFile } from '../fixtures/organizations.ts';
import { defaultSeed } from '../fixtures/seed.ts';
import { ContractError, profileOf } from '../simulator/payment-service/contracts/declared.ts';
import { defaultRunSettings, type RunSettings, type StackChoice } from '../stack/run-settings.ts';
import type { StackOptions } from '../stack/stack.ts';
import { integerFlag, UsageError } from './command.ts';
import { loadConfig, stackProviders, type StackProvider } from './config.ts';
import { siteScenariosDir } from './suites.ts';

export const runFlags = {
  config: { type: 'string' },
  seed: { type: 'string' },
  'php-classes': { type: 'string' },
  'php-init': { type: 'string' },
  'php-files': { type: 'string' },
  'payment-service-contract': { type: 'string' },
  'reports-dir': { type: 'string' },
  stack: { type: 'string' },
  'stack-file': { type: 'string' },
  seller: { type: 'string', multiple: true },
  'sellers-file': { type: 'string' },
  'scenarios-dir': { type: 'string' },
  suite: { type: 'string', multiple: true },
  quiet: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
} as const;

export const runFlagsHelp = `  --config FILE        config file (default ./kaspi-harness.config.ts when present)
  --seed N             seed for customers and baskets (default ${defaultSeed}; the same seed replays a run)
  --php-classes DIR    the team's own local/classes tree (default ./local/classes when there is one,
                       else the harness's reference classes)
  --php-init FILE      the team's own init.php (default ./local/php_interface/init.php when present)
  --php-files FILE     harness-files.json: files the code opens by absolute path (certificates), made
                       from test material (default: the one in --php-classes, else client.crt/.key)
  --payment-service-contract guide|deployed|FILE
                       what the site's payment-service serves: the guide's contract (default), the
                       deployed service's, or an OpenAPI document; the whole stack serves it and a call
                       it does not serve fails the run (\`kaspi-harness verify\` tells which one is live)
  --reports-dir DIR    write <run>/ under DIR instead of ./reports
  --stack KIND         native (local processes), docker (containers), external (with --stack-file), or
                       auto (default: native where PHP, MariaDB and PostgreSQL are installed, else docker)
  --stack-file FILE    for --stack external: the JSON that \`kaspi-harness up --json\` printed
  --seller ID          only this shop_id (repeatable; default every seller of the sellers file)
  --sellers-file FILE  the marketplace's own sellers (JSON like the harness's fixtures/sellers.json)
  --scenarios-dir DIR  the site's own scenario files, *.test.ts under DIR, run beside the catalogue
                       (default ./kaspi-scenarios when there is one)
  --quiet              less progress output`;

/** `run --shard K/N`: the K-th of N deterministic shares of the catalogue (vitest's own sharding). */
export interface Shard {
  index: number;
  count: number;
}

/** `2/3` → { index: 2, count: 3 }, or a UsageError that says what is wrong. */
export function parseShard(raw: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(raw.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count)
    throw new UsageError(
      `--shard must be K/N with 1 ≤ K ≤ N (2/3: the second of three shards), got "${raw}"`,
    );
  return { index, count };
}

export interface RunOptions {
  seed: number;
  /** Absolute paths, checked to exist. */
  php: RunSettings['php'];
  /** As declared (`guide`, `deployed`, or an absolute OpenAPI file path), checked to be servable. */
  paymentServiceContract?: string;
  acceptedFindings: Record<string, string>;
  reportsDir: string;
  stack: StackProvider;
  stackFile?: string;
  sellers?: number[];
  /** Absolute, checked to be a valid sellers file. */
  sellersFile?: string;
  /** Absolute: the site's own scenario files. */
  scenariosDir?: string;
  suites?: string[];
  /** Only commands that shard read it (`run`); the others refuse it. */
  shard?: Shard;
  quiet: boolean;
  json: boolean;
}

export function existingPath(flag: string, path: string, kind: 'file' | 'directory'): string {
  const absolute = resolve(path);
  const ok =
    existsSync(absolute) &&
    (kind === 'file' ? statSync(absolute).isFile() : statSync(absolute).isDirectory());
  if (!ok) throw new UsageError(`${flag} ${path}: no such ${kind}`);
  return absolute;
}

/**
 * `--allow-dir DIR` (repeatable, `sim payment-service` and `up`): directories a simulator's control
 * API may read a file from besides the working directory, checked now, so a typo is a usage error and
 * not a refusal later.
 */
export function allowDirFlags(raw: readonly string[] | undefined): string[] | undefined {
  return raw?.map((dir) => existingPath('--allow-dir', dir, 'directory'));
}

/** `./relative` when the working directory has it: a site's repository in its production layout. */
function presentIn(relativePath: string, kind: 'file' | 'directory'): string | undefined {
  const absolute = resolve(relativePath);
  if (!existsSync(absolute)) return undefined;
  return (kind === 'file' ? statSync(absolute).isFile() : statSync(absolute).isDirectory())
    ? absolute
    : undefined;
}

/** The site's sellers file, checked now (a mistake is a usage error) and adopted by this process. */
export function adoptSellersFile(path: string): string {
  const absolute = existingPath('--sellers-file', path, 'file');
  try {
    useSellersFile(absolute);
  } catch (error) {
    throw new UsageError(`--sellers-file: ${(error as Error).message}`);
  }
  return absolute;
}

/** `guide`/`deployed` as they are; a file made absolute and checked to be an OpenAPI document. */
export function declaredContract(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  try {
    const profile = profileOf(raw);
    return typeof profile === 'string' ? profile : resolve(raw);
  } catch (error) {
    if (error instanceof ContractError) throw new UsageError(`--payment-service-contract: ${error.message}`);
    throw error;
  }
}

/** `extraFlags`: a command's own flags besides the shared ones (it reads their values itself). */
export async function parseRunOptions(
  argv: string[],
  extraFlags: NonNullable<ParseArgsConfig['options']> = {},
): Promise<RunOptions> {
  const { values } = parseArgs({
    args: argv,
    options: { ...runFlags, shard: { type: 'string' }, ...extraFlags },
    strict: true,
  });
  const config = await loadConfig(process.cwd(), values.config);
  const stack = (values.stack ?? config.stack ?? 'auto') as StackProvider;
  if (!stackProviders.includes(stack))
    throw new UsageError(`--stack must be one of ${stackProviders.join(', ')}, got "${stack}"`);
  const sellers = values.seller?.map((raw) => integerFlag('seller', raw)!) ?? config.sellers;
  const stackFile = values['stack-file'] ?? config.stackFile;
  if (stack === 'external' && !stackFile) throw new UsageError('--stack external needs --stack-file FILE');
  const phpClasses = values['php-classes'] ?? config.phpClasses ?? presentIn('local/classes', 'directory');
  const phpInit = values['php-init'] ?? config.phpInit ?? presentIn('local/php_interface/init.php', 'file');
  const sellersFile = values['sellers-file'] ?? config.sellersFile;
  const scenariosDir = values['scenarios-dir'] ?? config.scenariosDir;
  const phpFiles = values['php-files'] ?? config.phpFiles;
  return {
    seed: integerFlag('seed', values.seed) ?? config.seed ?? defaultSeed,
    php: {
      classesDir: phpClasses && existingPath('--php-classes', phpClasses, 'directory'),
      initFile: phpInit && existingPath('--php-init', phpInit, 'file'),
      filesConfig: phpFiles && existingPath('--php-files', phpFiles, 'file'),
    },
    paymentServiceContract: declaredContract(
      values['payment-service-contract'] ?? config.paymentServiceContract,
    ),
    acceptedFindings: config.acceptedFindings ?? {},
    reportsDir: resolve(values['reports-dir'] ?? config.reportsDir ?? 'reports'),
    stack,
    stackFile: stackFile && existingPath('--stack-file', stackFile, 'file'),
    sellers,
    sellersFile: sellersFile && adoptSellersFile(sellersFile),
    scenariosDir: siteScenariosDir(
      scenariosDir && existingPath('--scenarios-dir', scenariosDir, 'directory'),
    ),
    suites: values.suite ?? config.suites,
    shard: values.shard === undefined ? undefined : parseShard(values.shard),
    quiet: values.quiet,
    json: values.json,
  };
}

/** What a runner started for these options gets; `overrides` for what the command decides itself. */
export function runSettingsOf(
  options: RunOptions,
  overrides: { runId?: string; stack?: StackChoice; stacks?: number; suites?: string[] } = {},
): RunSettings {
  const stack: StackChoice =
    overrides.stack ??
    (options.stack === 'external'
      ? { provider: 'external', file: options.stackFile!, pending: false }
      : { provider: options.stack });
  return defaultRunSettings({
    ...(overrides.runId ? { runId: overrides.runId } : {}),
    seed: options.seed,
    reportsDir: options.reportsDir,
    quiet: options.quiet,
    ...(options.sellers?.length ? { sellers: options.sellers } : {}),
    ...(options.sellersFile ? { sellersFile: options.sellersFile } : {}),
    ...(options.scenariosDir ? { scenariosDir: options.scenariosDir } : {}),
    ...(overrides.suites?.length ? { suites: overrides.suites } : {}),
    stack,
    stacks: overrides.stacks ?? 2,
    php: options.php,
    ...(options.paymentServiceContract ? { paymentServiceContract: options.paymentServiceContract } : {}),
    acceptedFindings: options.acceptedFindings,
  });
}

/** The parts of a stack that the options decide, for a stack this process boots (phase6, up). */
export function stackOptionsOf(
  options: Pick<RunOptions, 'seed' | 'php' | 'paymentServiceContract'>,
): Pick<
  StackOptions,
  'seed' | 'phpClassesDir' | 'phpInitFile' | 'phpFilesConfig' | 'paymentServiceContract'
> {
  return {
    seed: options.seed,
    phpClassesDir: options.php.classesDir,
    phpInitFile: options.php.initFile,
    phpFilesConfig: options.php.filesConfig,
    ...(options.paymentServiceContract
      ? { paymentServiceContract: profileOf(options.paymentServiceContract) }
      : {}),
  };
}
