/**
 * Chromium reads only the last --disable-features flag, and ours comes after Playwright's: it must
 * repeat every feature Playwright switches off (some keep Chromium off the network on start-up).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumArgs, playwrightDisabledFeatures } from './chromium.ts';

/** The `disabledFeatures = [ … ]` literal of the installed playwright-core (chromiumSwitches.ts). */
function installedPlaywrightDisabledFeatures(): string[] {
  const core = join(createRequire(import.meta.url).resolve('playwright-core/package.json'), '..', 'lib');
  const bundle = readFileSync(join(core, 'coreBundle.js'), 'utf8');
  const literal = /disabledFeatures = \[([\s\S]*?)\]\.filter\(Boolean\)/.exec(bundle)?.[1];
  if (literal === undefined)
    throw new Error("playwright-core's disabledFeatures list moved: find it and compare by hand");
  return [...literal.replace(/\/\/.*$/gm, '').matchAll(/"([^"]+)"/g)].map((match) => match[1]!);
}

describe('chromiumArgs', () => {
  it('repeats every feature the installed Playwright disables, in the one --disable-features flag', () => {
    const installed = installedPlaywrightDisabledFeatures();
    expect(installed.length).toBeGreaterThan(5);
    expect(playwrightDisabledFeatures).toEqual(installed);
    const flags = chromiumArgs.filter((arg) => arg.startsWith('--disable-features='));
    expect(flags).toHaveLength(1);
    const ours = flags[0]!.slice('--disable-features='.length).split(',');
    expect(ours).toEqual(expect.arrayContaining([...installed, 'RenderDocument']));
  });
});
