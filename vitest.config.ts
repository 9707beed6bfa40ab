import { defineConfig } from 'vitest/config';
import { defaultSeed } from './fixtures/seed.ts';
import { newRunId } from './stack/run-dir.ts';

// One id and seed for the whole run, shared by the global setup (in this process) and the reporter.
process.env.KASPI_HARNESS_RUN_ID ||= newRunId();
process.env.KASPI_HARNESS_SEED ||= String(defaultSeed);

export default defineConfig({
  test: {
    reporters: ['default', './scenarios/report/reporter.ts'],
    // Two cores here; scenario files get one stack per worker (scenarios/support/stack-pool.ts).
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'fixtures/**/*.test.ts',
            'simulator/**/*.test.ts',
            'stack/**/*.test.ts',
            'cli/**/*.test.ts',
            'scenarios/support/**/*.test.ts',
            'scenarios/report/**/*.test.ts',
          ],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'scenarios',
          include: ['scenarios/*.test.ts'],
          globalSetup: ['./scenarios/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'mutations',
          include: ['scenarios/mutations/**/*.test.ts'],
          testTimeout: 180_000,
        },
      },
    ],
  },
});
