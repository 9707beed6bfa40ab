// Defaults for `npx kaspi-harness`; every field can be overridden by the flag of the same name.
import { defineConfig } from './cli/config.ts';

export default defineConfig({
  seed: 20251103,
  reportsDir: 'reports',
});
