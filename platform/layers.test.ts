/**
 * The layer rule (eslint.config.js) refuses an import against the direction: a file of a lower layer
 * reaching up, one simulator reaching into another. Checked here on imports of real files, so a
 * change to the rule that lets them through fails CI.
 */
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: root });

async function layerErrors(file: string, importPath: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import '${importPath}';\n`, { filePath: join(root, file) });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId?.startsWith('boundaries/'))
    .map((message) => message.message);
}

describe('the layer rule', () => {
  it.each([
    ['fixtures/probe.ts', '../platform/wait.ts', 'fixtures must not import platform'],
    ['platform/probe.ts', '../stack/stack.ts', 'platform must not import stack'],
    ['platform/probe.ts', '../fixtures/organizations.ts', 'platform must not import fixtures'],
    ['platform/probe.ts', '../simulator/kaspi/state.ts', 'platform must not import simulator'],
    ['simulator/shared/probe.ts', '../kaspi/state.ts', 'simulator-shared must not import simulator'],
    ['simulator/kaspi/probe.ts', '../payment-service/store.ts', 'simulator must not import simulator'],
    ['simulator/bitrix/probe.ts', '../../stack/stack.ts', 'simulator must not import stack'],
    ['stack/probe.ts', '../scenarios/support/suite.ts', 'stack must not import scenarios'],
    ['scenarios/probe.ts', '../cli/command.ts', 'scenarios must not import cli'],
    ['bench/probe.ts', '../scenarios/support/suite.ts', 'bench must not import scenarios'],
  ])('%s may not import %s', async (file, importPath, message) => {
    expect(await layerErrors(file, importPath)).toEqual([expect.stringContaining(message)]);
  });

  it.each([
    ['simulator/shared/probe.ts', '../../fixtures/organizations.ts'],
    ['simulator/kaspi/probe.ts', '../shared/clock.ts'],
    ['simulator/kaspi/probe.ts', '../../platform/wait.ts'],
    ['stack/probe.ts', '../simulator/kaspi/index.ts'],
    ['scenarios/probe.ts', '../stack/stack.ts'],
    ['cli/probe.ts', '../scenarios/support/suite.ts'],
  ])('%s may import %s', async (file, importPath) => {
    expect(await layerErrors(file, importPath)).toEqual([]);
  });
});
