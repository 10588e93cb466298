// Logs in to the field app through the organisation's identity provider
// (a mock OpenID Connect provider the Go test started): first as someone
// without a staff account, who is sent back to the login form with the
// reason; then as a begeleider, who after the provider gives their
// e-mail address, types the code from the mail and reaches their team.
// Run by oidc_test.go.
//
// Input (JSON on stdin): { url, chromium, button, email, heading, artifacts }
// Output (JSON on stdout): { axe: [ids] } (serious or critical, on the
// login form with the button and on the e-mail step)
// Any failed check throws: the message goes to stderr and the exit code is 1.

import { chromium } from 'playwright-core';
import { check, enterMailedCode, launch, readStdin, serious, watchOIDCLogin } from '../../../internal/e2e/harness.mjs';
import AxeBuilder from '@axe-core/playwright';

const cfg = JSON.parse(await readStdin());
const browser = await launch(chromium, cfg.chromium);
const axe = [];
const context = await browser.newContext({
  viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam',
});
context.setDefaultTimeout(30_000);
const page = await context.newPage();
// The refusals this walk asks for: the stranger's 403, the begeleider's
// 401 with an mfaId (the code still to come). Anything else is a problem.
const login = watchOIDCLogin(page, [403, 401]);
try {
  await page.goto(`${cfg.url}/app/`);
  await page.getByRole('heading', { name: 'Inloggen' }).waitFor();
  const button = page.getByRole('button', { name: cfg.button, exact: true });
  await button.waitFor();
  await scan('login form with the identity provider');

  // A link with someone else's code, while this tab waits for its own
  // login (login CSRF): the state does not match, nothing is exchanged.
  await page.evaluate(() => sessionStorage.setItem('samenspel.oidc', JSON.stringify({ state: 'van-deze-tab', codeVerifier: 'v' })));
  await page.goto(`${cfg.url}/app/?code=code-van-een-ander&state=vervalst`);
  await page.getByRole('alert').filter({ hasText: 'lukte niet' }).waitFor();
  check(login.exchanges === 0, `a code with a forged state was exchanged (${login.exchanges} requests)`);
  check(!new URL(page.url()).search, `the forged code stayed in the address: ${page.url()}`);

  // Someone the provider knows, Samenspel does not.
  await button.click();
  await page.getByRole('alert').filter({ hasText: 'geen medewerker' }).waitFor();
  check(!new URL(page.url()).search, `the code stayed in the address: ${page.url()}`);
  check(await page.getByLabel('Wachtwoord').isVisible(), 'no login form after the refusal');

  // The begeleider.
  await page.getByRole('button', { name: cfg.button, exact: true }).click();
  await page.getByText('Je bent ingelogd via je organisatie').waitFor();
  check(login.expected.length === 0, `the provider's logins were not both answered: ${login.expected} left`);
  check(!new URL(page.url()).search, `the code stayed in the address: ${page.url()}`);
  await scan('e-mail step');
  await page.getByLabel('E-mailadres').fill(cfg.email);
  const otp = page.waitForResponse((r) => r.url().includes('/request-otp'));
  await page.getByRole('button', { name: 'Stuur de inlogcode', exact: true }).click();
  await enterMailedCode(page, cfg.url, otp);
  await page.getByRole('heading', { name: cfg.heading, level: 1, exact: true }).waitFor();
  await page.locator('#sync .last').filter({ hasText: 'Laatst gesynchroniseerd' }).waitFor();
  check(login.problems.length === 0, login.problems.join('; '));
} catch (e) {
  await page.screenshot({ path: `${cfg.artifacts}/app-oidc-failure.png`, fullPage: true }).catch(() => {});
  throw e;
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify({ axe }));

async function scan(where) {
  for (const finding of serious(await new AxeBuilder({ page }).analyze())) axe.push(`${where}: ${finding}`);
}
