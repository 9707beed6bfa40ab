import { defineConfig } from 'vitest/config';
import { runSettings } from './stack/run-settings.ts';

// One run id and seed for the whole run, shared by the global setup (in this process), the reporter
// and the workers: the CLI's settings, or defaults fixed here for a run started by hand.
const settings = runSettings();

export default defineConfig({
  // The harness's own folder, also when the CLI runs from a site's directory with this file as --config.
  root: import.meta.dirname,
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
          // The site's own scenario files (`scenariosDir`) run beside the catalogue, on its stacks.
          include: [
            'scenarios/*.test.ts',
            ...(settings.scenariosDir ? [`${settings.scenariosDir}/**/*.test.ts`] : []),
          ],
          globalSetup: ['./scenarios/global-setup.ts'],
          // The worker's run settings first (a site's sellers file), then: a dead stack service
          // fails the rest of the run at once, by name.
          setupFiles: ['./scenarios/support/worker-settings.ts', './scenarios/support/stack-deaths.ts'],
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
