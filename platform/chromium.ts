/** Debian's Chromium through Playwright: no browser download, quiet on a closed network, root-safe. */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { running, type Running } from './lifecycle.ts';

const fullChromium = '/usr/bin/chromium';
const headlessShell = '/usr/bin/chromium-headless-shell';

/**
 * Which Chromium runs the pages: KASPI_HARNESS_CHROMIUM if set; else, headless, Debian's
 * chromium-headless-shell where it is installed (`npx kaspi-harness setup` installs it): the same Blink and
 * V8, without the full browser's UI processes, which cost about a third of the browser scenarios'
 * CPU on two cores (the headless shell is also what Playwright itself runs headless). A headed run
 * (`playwright test --headed` / `--debug`) needs the full browser.
 */
export function chromiumExecutable({ headed = false, env = process.env } = {}): string {
  if (env.KASPI_HARNESS_CHROMIUM) return env.KASPI_HARNESS_CHROMIUM;
  return !headed && existsSync(headlessShell) ? headlessShell : fullChromium;
}

/**
 * The features Playwright itself switches off (playwright-core's chromiumSwitches.ts): Chromium reads
 * only the last --disable-features flag, so ours must repeat them, or the ones that keep a closed
 * network quiet (OptimizationHints, NetworkTimeServiceQuerying, PreconnectToSearch, …) come back.
 * platform/chromium.test.ts fails when a Playwright upgrade changes the list.
 */
export const playwrightDisabledFeatures = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  'msForceBrowserSignIn',
  'msEdgeUpdateLaunchServicesPreferredVersion',
];

/**
 * RenderDocument gives every cross-document navigation a new render frame, and Playwright then
 * injects its ~340 KB selector script into it again: with it off, the storefront's navigations
 * cost Chromium ~160 instead of ~235 CPU-ms each (measured: 30 navigations, each followed by one
 * locator read). Page behaviour is the same; this is how Chromium navigated until 2023.
 */
const ourDisabledFeatures = ['RenderDocument'];

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  `--disable-features=${[...playwrightDisabledFeatures, ...ourDisabledFeatures].join(',')}`,
];

/** `extraArgs`: more switches for a test's own browser (`--host-resolver-rules=…`, say). */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumExecutable(),
    args: [...chromiumArgs, ...extraArgs],
    headless: true,
  });
}

export interface RunningChromium extends Running {
  browser: Browser;
}

/** A browser as a part of a test's stack: `stop()` closes it. */
export async function startChromium(extraArgs: readonly string[] = []): Promise<RunningChromium> {
  const browser = await launchChromium(extraArgs);
  return running<RunningChromium>({ browser }, () => browser.close());
}
