// Logs in to the field app as every demo login (go run . demo), each in a
// fresh browser context at phone width, and checks it reaches its start
// screen: a begeleider their team (or the choice of team), a cliënt their
// own goals, a teamadviseur or coördinator the screen that sends them to
// the review page. Run by logins_test.go.
//
// Input (JSON on stdin): { url, chromium, password, logins: [{login, role, heading}], artifacts }
// Output (JSON on stdout): { reached: [{login, role, ms}], axe: {role: [ids]} }
// Any failed check throws: the message goes to stderr and the exit code is 1.

import { chromium } from 'playwright-core';
import { check, launch, readStdin, serious } from '../../../internal/e2e/harness.mjs';
import AxeBuilder from '@axe-core/playwright';
import { isMFAResponse, logInStaff } from './staff-login.mjs';

const cfg = JSON.parse(await readStdin());
const browser = await launch(chromium, cfg.chromium);
const reached = [];
const findings = {};
try {
  // Three at a time, each in its own context: one after the other took
  // minutes on a loaded machine.
  const queue = [...cfg.logins];
  await Promise.all([1, 2, 3].map(async () => { while (queue.length) await logIn(queue.shift()); }));
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify({ reached, axe: findings }));

async function logIn(l) {
  const context = await browser.newContext({
    viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam',
  });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => { if (r.status() >= 400 && !isMFAResponse(r)) problems.push(`HTTP ${r.status()} ${r.url()}`); });
  try {
    await page.goto(`${cfg.url}/app/`);
    await page.getByRole('heading', { name: 'Inloggen' }).waitFor();
    const t0 = Date.now();
    if (l.role === 'client') {
      await page.getByLabel('Ik ben cliënt').check();
      await page.getByLabel('Gebruikersnaam of e-mailadres').fill(l.login);
      await page.getByLabel('Wachtwoord').fill(cfg.password);
      await page.getByRole('button', { name: 'Inloggen' }).click();
    } else {
      await logInStaff(page, cfg.url, l.login, cfg.password); // password, then the code from the mail
    }
    await page.getByRole('heading', { name: l.heading, level: 1, exact: true }).waitFor();
    const ms = Date.now() - t0;
    if (l.role === 'teamadviseur' || l.role === 'coordinator') {
      const href = await page.getByRole('link', { name: 'Naar de reviewpagina' }).getAttribute('href');
      check(href === '/review/', `${l.login}: the review page link goes to ${href}`);
      const stored = (await page.evaluate(() => indexedDB.databases())).map((d) => d.name);
      check(stored.length === 0, `${l.login} (${l.role}): the app opened a store on the phone: ${stored}`);
    } else {
      await page.locator('#sync .last').filter({ hasText: 'Laatst gesynchroniseerd' }).waitFor();
    }
    if (!findings[l.role]) {
      await page.evaluate(() => window.scrollTo(0, 0)); // a full-page shot of a scrolled page draws sticky bars mid-page
      findings[l.role] = serious(await new AxeBuilder({ page }).analyze());
      await page.screenshot({ path: `${cfg.artifacts}/app-login-${l.role}.png`, fullPage: true });
      if (cfg.docShots && (l.role === 'teamadviseur' || l.role === 'coordinator')) {
        await page.screenshot({ path: `${cfg.docShots}/elsewhere-${l.role}.jpg`, fullPage: true, type: 'jpeg', quality: 70, scale: 'css' });
      }
    }
    check(problems.length === 0, `${l.login} (${l.role}): ${problems.join('; ')}`);
    reached.push({ login: l.login, role: l.role, ms });
  } catch (e) {
    await page.screenshot({ path: `${cfg.artifacts}/app-login-failure.png`, fullPage: true }).catch(() => {});
    throw new Error(`${l.login} (${l.role}): ${e.message}`);
  } finally {
    await context.close();
  }
}
