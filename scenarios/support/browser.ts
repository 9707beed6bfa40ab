/** Debian's Chromium through Playwright: no browser download, quiet on a closed network, root-safe. */
import { chromium, type Browser } from 'playwright-core';

export const chromiumPath = process.env.KASPI_HARNESS_CHROMIUM ?? '/usr/bin/chromium';

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
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
}
