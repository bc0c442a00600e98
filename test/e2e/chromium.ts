import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/**
 * Headless Debian Chromium (scripts/bootstrap/browser.sh installs it and exports
 * BERTH_CHROMIUM). playwright-core drives it and downloads nothing. `--no-sandbox` because
 * tests run as root here, where Chromium refuses its own sandbox.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env['BERTH_CHROMIUM'] ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(
      `no Chromium at ${executablePath}: run the tests through \`npm test\` (it installs Debian's chromium) or set BERTH_CHROMIUM`,
    );
  }
  return chromium.launch({ executablePath, args: ['--no-sandbox'] });
}
