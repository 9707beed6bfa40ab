/**
 * The settings of one run, as the CLI hands them to its test runners (vitest, Playwright) and they to
 * their global setups, reporters and workers: one schema-checked object, serialized once into one
 * environment variable and read once. A runner started without the CLI (`npm test`,
 * `npx playwright test`) gets the defaults, fixed by its config file so that every process of the run
 * sees the same run id.
 */
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { useSellersFile } from '../fixtures/organizations.ts';
import { defaultSeed } from '../fixtures/seed.ts';
import { newRunId } from '../platform/run-dir.ts';

export const runSettingsVariable = 'KASPI_HARNESS_RUN';

const absolutePath = z.string().refine(isAbsolute, 'must be an absolute path');

const stackChoice = z.discriminatedUnion('provider', [
  z.strictObject({ provider: z.enum(['auto', 'native', 'docker']) }),
  z.strictObject({
    provider: z.literal('external'),
    /** The StackInfo JSON that `kaspi-harness up --json` printed. */
    file: absolutePath,
    /** The file appears later: the CLI process is booting that stack meanwhile (phase6). */
    pending: z.boolean(),
  }),
]);

export const runSettingsSchema = z.strictObject({
  runId: z.string().regex(/^[\w.-]+$/, 'letters, digits, dot, dash and underscore only'),
  /** Customers and baskets: the same seed replays a run. */
  seed: z.number().int(),
  /** Where `<runId>/` report folders go. */
  reportsDir: absolutePath,
  quiet: z.boolean(),
  /** Only these suites (scenarios/NAME.test.ts); the whole catalogue when absent. */
  suites: z.array(z.string().min(1)).min(1).optional(),
  /** Only these shop ids; every seller of the fixtures when absent. */
  sellers: z.array(z.number().int().positive()).min(1).optional(),
  /** The site's own sellers file (fixtures/organizations.ts's format) instead of fixtures/sellers.json. */
  sellersFile: absolutePath.optional(),
  /** The site's own scenario files (`*.test.ts` under it), run beside the catalogue. */
  scenariosDir: absolutePath.optional(),
  /** Collect the tests without running them (`run --list`): no stack is booted. */
  collectOnly: z.boolean().optional(),
  stack: stackChoice,
  /** How many stacks the scenario runner boots (one per parallel worker). */
  stacks: z.number().int().min(1).max(8),
  /** The team's own PHP, instead of the reference integration classes. */
  php: z.strictObject({
    classesDir: absolutePath.optional(),
    initFile: absolutePath.optional(),
    filesConfig: absolutePath.optional(),
  }),
  /**
   * What the site's payment-service serves: `guide`, `deployed`, or an OpenAPI file (absolute). Absent:
   * a booted stack serves the guide's, an external one keeps what it was started with.
   */
  paymentServiceContract: z.string().min(1).optional(),
  /** Findings of severity `defect` the team accepts, by key, each with its written reason. */
  acceptedFindings: z.record(z.string().min(1), z.string().trim().min(1, 'give the reason')),
  /**
   * The browser scenarios watched by a person (Playwright's --headed, --debug, --ui): the full browser
   * instead of the headless shell, and the order page's polling on real time instead of a moved clock.
   */
  headed: z.boolean().optional(),
});

export type RunSettings = z.infer<typeof runSettingsSchema>;
export type StackChoice = z.infer<typeof stackChoice>;

export function defaultRunSettings(overrides: Partial<RunSettings> = {}): RunSettings {
  return {
    runId: newRunId(),
    seed: defaultSeed,
    reportsDir: join(process.cwd(), 'reports'),
    quiet: false,
    stack: { provider: 'auto' },
    stacks: 2,
    php: {},
    acceptedFindings: {},
    ...overrides,
  };
}

/** The environment entry that carries `settings` to a runner and everything it starts. */
export function runSettingsEnv(settings: RunSettings): Record<string, string> {
  return { [runSettingsVariable]: JSON.stringify(runSettingsSchema.parse(settings)) };
}

let cached: { raw: string; settings: RunSettings } | undefined;

/**
 * This run's settings. Absent (a runner started by hand): the defaults, written into the environment
 * so that the processes this one starts agree on them.
 */
export function runSettings(env: NodeJS.ProcessEnv = process.env): RunSettings {
  const raw = env[runSettingsVariable];
  if (raw === undefined || raw === '') {
    const settings = defaultRunSettings();
    env[runSettingsVariable] = JSON.stringify(settings);
    return settings;
  }
  if (cached?.raw === raw) return cached.settings;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error(`${runSettingsVariable} is not JSON: start runs with the kaspi-harness CLI`);
  }
  const parsed = runSettingsSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`${runSettingsVariable} is not valid run settings: ${problems.join('; ')}`);
  }
  cached = { raw, settings: parsed.data };
  useSellersFile(parsed.data.sellersFile);
  return parsed.data;
}

/** `reports/<runId>/` of this run. */
export const runReportDir = (settings: RunSettings): string => join(settings.reportsDir, settings.runId);
