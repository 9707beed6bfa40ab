/** Debian's Chromium through Playwright: no browser download, quiet on a closed network, root-safe. */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const fullChromium = '/usr/bin/chromium';
const headlessShell = '/usr/bin/chromium-headless-shell';

/**
 * Which Chromium runs the pages: KASPI_HARNESS_CHROMIUM if set; else, headless, Debian's
 * chromium-headless-shell where it is installed (`npm run setup` installs it): the same Blink and
 * V8, without the full browser's UI processes, which cost about a third of the browser scenarios'
 * CPU on two cores (the headless shell is also what Playwright itself runs headless). A headed run
 * (`playwright test --headed` / `--debug`) needs the full browser.
 */
export function chromiumExecutable({ headed = false, env = process.env } = {}): string {
  if (env.KASPI_HARNESS_CHROMIUM) return env.KASPI_HARNESS_CHROMIUM;
  return !headed && existsSync(headlessShell) ? headlessShell : fullChromium;
}

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumExecutable(), args: chromiumArgs, headless: true });
}
