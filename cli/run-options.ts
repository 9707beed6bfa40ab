/**
 * The options shared by `phase6`, `run` and `up`: flags parsed strictly, laid over
 * kaspi-harness.config.ts.
 */
import { parseArgs } from 'node:util';
import { integerFlag, UsageError } from './command.ts';
import { loadConfig, type HarnessConfig, type StackProvider } from './config.ts';
import { existingPath, type ScenarioRunOptions } from './scenario-run.ts';

export const runFlags = {
  config: { type: 'string' },
  seed: { type: 'string' },
  'php-classes': { type: 'string' },
  'php-init': { type: 'string' },
  'php-files': { type: 'string' },
  'reports-dir': { type: 'string' },
  stack: { type: 'string' },
  'stack-file': { type: 'string' },
  seller: { type: 'string', multiple: true },
  suite: { type: 'string', multiple: true },
  quiet: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
} as const;

export const runFlagsHelp = `  --config FILE        config file (default ./kaspi-harness.config.ts when present)
  --seed N             seed for customers and baskets (default 20251103; the same seed replays a run)
  --php-classes DIR    the team's own local/classes tree instead of the reference classes
  --php-init FILE      the team's own local/php_interface/init.php
  --php-files FILE     harness-files.json: files the code opens by absolute path (certificates), made
                       from test material (default: the one in --php-classes, else client.crt/.key)
  --reports-dir DIR    write <run>/ under DIR instead of ./reports
  --stack KIND         native (local processes), docker (containers), external (with --stack-file), or
                       auto (default: native where PHP, MariaDB and PostgreSQL are installed, else docker)
  --stack-file FILE    for --stack external: the JSON that \`kaspi-harness up --json\` printed
  --seller ID          only this shop_id (repeatable; default every seller of fixtures/sellers.json)
  --quiet              less progress output`;

export interface RunOptions extends Required<Pick<HarnessConfig, 'seed'>> {
  phpClasses?: string;
  phpInit?: string;
  phpFiles?: string;
  reportsDir?: string;
  stack: StackProvider;
  stackFile?: string;
  sellers?: number[];
  suites?: string[];
  quiet: boolean;
  json: boolean;
}

const providers: readonly StackProvider[] = ['auto', 'native', 'docker', 'external'];

export async function parseRunOptions(argv: string[]): Promise<RunOptions> {
  const { values } = parseArgs({ args: argv, options: runFlags, strict: true });
  const config = await loadConfig(process.cwd(), values.config);
  const stack = (values.stack ?? config.stack ?? 'auto') as StackProvider;
  if (!providers.includes(stack))
    throw new UsageError(`--stack must be one of ${providers.join(', ')}, got "${stack}"`);
  const sellers = values.seller?.map((raw) => integerFlag('seller', raw)!) ?? config.sellers;
  const stackFile = values['stack-file'] ?? config.stackFile;
  if (stack === 'external' && !stackFile) throw new UsageError('--stack external needs --stack-file FILE');
  return {
    seed: integerFlag('seed', values.seed) ?? config.seed ?? 20251103,
    phpClasses: values['php-classes'] ?? config.phpClasses,
    phpInit: values['php-init'] ?? config.phpInit,
    phpFiles: values['php-files'] ?? config.phpFiles,
    reportsDir: values['reports-dir'] ?? config.reportsDir,
    stack,
    stackFile,
    sellers,
    suites: values.suite ?? config.suites,
    quiet: values.quiet,
    json: values.json,
  };
}

/** What a `phase6` or `run` invocation hands to the scenario runner. */
export function scenarioRunOptions(options: RunOptions, files: string[] | undefined): ScenarioRunOptions {
  return {
    seed: options.seed,
    phpClassesDir: options.phpClasses,
    phpInitFile: options.phpInit,
    phpFilesConfig: options.phpFiles,
    reportsDir: options.reportsDir,
    quiet: options.quiet,
    sellers: options.sellers,
    stack: options.stack,
    stackFile: options.stackFile,
    files,
  };
}

/** The team's PHP the flags name, checked to exist, as a stack this process boots takes it. */
export function teamPhpFiles(options: RunOptions): {
  phpClassesDir?: string;
  phpInitFile?: string;
  phpFilesConfig?: string;
} {
  return {
    phpClassesDir: options.phpClasses && existingPath('--php-classes', options.phpClasses, 'directory'),
    phpInitFile: options.phpInit && existingPath('--php-init', options.phpInit, 'file'),
    phpFilesConfig: options.phpFiles && existingPath('--php-files', options.phpFiles, 'file'),
  };
}
