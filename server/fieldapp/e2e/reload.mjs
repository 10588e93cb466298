// Measures an offline reload of the field app in Debian's headless
// Chromium at phone width: a begeleider logs in and syncs once, the
// network goes (for the page and for its service worker), and the page is
// reloaded n times. Each time counts from the reload to interactive: the
// team's heading visible and "Wijksafari plannen" ready for a tap. Run by
// BenchmarkOfflineReload (reload_bench_test.go).
//
// Input (JSON on stdin): { url, chromium, email, password, team, teamName, n }
// Output (JSON on stdout): { ms: [per reload] }

import { chromium } from 'playwright-core';
import { launch, readStdin } from '../../../internal/e2e/harness.mjs';
import { logInStaff } from './staff-login.mjs';

const cfg = JSON.parse(await readStdin());
const browser = await launch(chromium, cfg.chromium);
const ms = [];
try {
  const context = await browser.newContext({
    viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam',
  });
  context.setDefaultTimeout(30_000);
  let offline = false;
  await context.route((url) => url.pathname.startsWith('/api/'), (route) => (offline ? route.abort('internetdisconnected') : route.fallback()));
  const page = await context.newPage();
  await page.goto(`${cfg.url}/app/`);
  await logInStaff(page, cfg.url, cfg.email, cfg.password); // password, then the code from the mail
  await page.locator('#sync .last').filter({ hasText: 'Laatst gesynchroniseerd' }).waitFor();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
  await page.evaluate((t) => { location.hash = `#/team/${t}`; }, cfg.team);
  const ready = async () => {
    await page.getByRole('heading', { name: cfg.teamName, level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Wijksafari plannen' }).click({ trial: true });
  };
  await ready();
  offline = true;
  await context.setOffline(true);
  await page.locator('#sync .offline').waitFor();
  for (let i = 0; i < cfg.n; i++) {
    const t0 = performance.now();
    await page.reload({ waitUntil: 'commit' });
    await ready();
    ms.push(performance.now() - t0);
  }
  if (!(await page.locator('#sync .offline').count())) throw new Error('the reloaded page does not say it is offline');
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify({ ms }));
