// The browser side of the browser tests: Debian's chromium driven by
// playwright-core (never a downloaded browser). Either missing fails the
// suite with how to install it; it is never skipped.
import fs from 'node:fs';
import path from 'node:path';
import * as harness from '../e2e/harness.mjs';

export const CHROMIUM = process.env.KITH_CHROMIUM || '/usr/bin/chromium';
export const SCREENSHOTS = path.join(harness.ROOT, 'build', 'screenshots');

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

// A browser, a 1024x720 page logged in through the printed URL (the
// session cookie set), and problems: the CSP violations and uncaught page errors seen. For a test
// file's before(); close with browser.close() in after().
export async function openApp({ width = 1024, height = 720 } = {}) {
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width, height } });
  context.setDefaultTimeout(10000);
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // The server answers /api/health before its "serving" line may have
  // come through the pipe: wait for the line.
  let m;
  for (let i = 0; i < 100 && !(m = harness.stdout.match(/serving (http:\S+#token=\S+)/)); i++)
    await new Promise((r) => setTimeout(r, 50));
  if (!m) throw new Error(`kith serve printed no login URL: ${harness.stdout}`);
  const url = m[1];
  await page.goto(url);
  await page.waitForURL((u) => !u.hash.includes('token='));
  await page.locator('#screen > *').first().waitFor();
  return { browser, context, page, problems };
}
