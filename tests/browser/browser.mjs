// The browser side of the browser tests: Debian's chromium driven by
// playwright-core (never a downloaded browser). Either missing fails the
// suite with how to install it; it is never skipped.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../e2e/harness.mjs';

export const CHROMIUM = process.env.KITH_CHROMIUM || '/usr/bin/chromium';
export const SCREENSHOTS = path.join(ROOT, 'build', 'screenshots');

// The flags this machine needs: no sandbox (root), no GPU, and no
// background traffic to Google's hosts (the network is closed).
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launch() {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} not found: install Debian's chromium ` +
      '(scripts/install-deps, or apt-get install chromium)');
  let playwright;
  try {
    playwright = await import('playwright-core');
  } catch {
    throw new Error('playwright-core is not installed: run `npm ci` in the repository root ' +
      '(tests/run does it when node_modules/playwright-core is missing)');
  }
  return playwright.chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

// Save a screenshot of page as build/screenshots/<name>.png.
export async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false });
}
