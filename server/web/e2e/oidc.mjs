// Logs in to the review page through the organisation's identity
// provider (a mock OpenID Connect provider the Go test started): first
// as someone without a staff account, who is sent back to the login form
// with the reason; then as a teamadviseur, who gives their e-mail address
// for the code, types it and reaches the review. Run by oidc_test.go.
//
// Input (JSON on stdin): { url, chromium, button, email }
// Output (JSON on stdout): { reached: true }
// Any failed check throws: the message goes to stderr and the exit code is 1.

import { chromium } from 'playwright-core';
import { check, enterMailedCode, launch, readStdin, watchOIDCLogin } from '../../../internal/e2e/harness.mjs';

const cfg = JSON.parse(await readStdin());
const browser = await launch(chromium, cfg.chromium);
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam' });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  // The refusals this walk asks for: the stranger's 403, the adviser's
  // 401 with an mfaId (the code still to come).
  const login = watchOIDCLogin(page, [403, 401]);

  await page.goto(`${cfg.url}/review/`);
  // A link with someone else's code, while this tab waits for its own
  // login (login CSRF): the state does not match, nothing is exchanged.
  await page.evaluate(() => sessionStorage.setItem('samenspel.review.oidc', JSON.stringify({ state: 'van-deze-tab', codeVerifier: 'v' })));
  await page.goto(`${cfg.url}/review/?code=code-van-een-ander&state=vervalst`);
  await page.locator('#login-error').filter({ hasText: 'lukte niet' }).waitFor();
  check(login.exchanges === 0, `a code with a forged state was exchanged (${login.exchanges} requests)`);
  check(!new URL(page.url()).search, `the forged code stayed in the address: ${page.url()}`);

  const button = page.getByRole('button', { name: cfg.button, exact: true });
  await button.click();
  await page.locator('#login-error').filter({ hasText: 'geen medewerker' }).waitFor();
  check(!new URL(page.url()).search, `the code stayed in the address: ${page.url()}`);

  await page.getByRole('button', { name: cfg.button, exact: true }).click();
  await page.getByText('Je bent ingelogd via je organisatie').waitFor();
  check(login.expected.length === 0, `the provider's logins were not both answered: ${login.expected} left`);
  check(!new URL(page.url()).search, `the code stayed in the address: ${page.url()}`);
  check(!(await button.isVisible()), 'the provider button still shows on the e-mail step');
  await page.locator('#oidc-email').fill(cfg.email);
  const otp = page.waitForResponse((r) => r.url().includes('/request-otp'));
  await page.getByRole('button', { name: 'Stuur de inlogcode', exact: true }).click();
  await enterMailedCode(page, cfg.url, otp);
  await page.getByRole('heading', { name: 'Teamreview', level: 1 }).waitFor();
  check(login.problems.length === 0, login.problems.join('; '));
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify({ reached: true }));
