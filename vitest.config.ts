import { defineConfig } from 'vitest/config';
import { runSettings } from './stack/run-settings.ts';

// One run id and seed for the whole run, shared by the global setup (in this process), the reporter
// and the workers: the CLI's settings, or defaults fixed here for a run started by hand.
runSettings();

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
            'platform/**/*.test.ts',
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
          // A dead stack service fails the rest of the run at once, by name.
          setupFiles: ['./scenarios/support/stack-deaths.ts'],
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
