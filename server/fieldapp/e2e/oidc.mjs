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
import AxeBuilder from '@axe-core/playwright';

const cfg = JSON.parse(await readStdin());
const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
  '--no-first-run', '--disable-component-update', '--disable-sync',
];
const browser = await chromium.launch({ executablePath: cfg.chromium, headless: true, args: FLAGS, timeout: 60_000 });
const axe = [];
const context = await browser.newContext({
  viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam',
});
context.setDefaultTimeout(30_000);
const page = await context.newPage();
// The refusals this walk asks for: the stranger's 403, the begeleider's
// 401 with an mfaId (the code still to come). Anything else is a problem.
const expected = [403, 401];
const problems = [];
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
let exchanges = 0; // auth-with-oauth2 requests
page.on('request', (r) => { if (r.url().includes('/auth-with-oauth2')) exchanges++; });
page.on('response', (r) => {
  if (r.status() < 400) return;
  if (r.url().includes('/auth-with-oauth2') && r.status() === expected[0]) { expected.shift(); return; }
  problems.push(`HTTP ${r.status()} ${r.url()}`);
});
page.on('console', (m) => {
  if (m.type() === 'error' && !/status of 40[13]/.test(m.text())) problems.push(`console: ${m.text()}`);
});
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
  check(exchanges === 0, `a code with a forged state was exchanged (${exchanges} requests)`);
  check(!new URL(page.url()).search, `the forged code stayed in the address: ${page.url()}`);

  // Someone the provider knows, Samenspel does not.
  await button.click();
  await page.getByRole('alert').filter({ hasText: 'geen medewerker' }).waitFor();
  check(!new URL(page.url()).search, `the code stayed in the address: ${page.url()}`);
  check(await page.getByLabel('Wachtwoord').isVisible(), 'no login form after the refusal');

  // The begeleider.
  await page.getByRole('button', { name: cfg.button, exact: true }).click();
  await page.getByText('Je bent ingelogd via je organisatie').waitFor();
  check(expected.length === 0, `the provider's logins were not both answered: ${expected} left`);
  check(!new URL(page.url()).search, `the code stayed in the address: ${page.url()}`);
  await scan('e-mail step');
  await page.getByLabel('E-mailadres').fill(cfg.email);
  const otp = page.waitForResponse((r) => r.url().includes('/request-otp'));
  await page.getByRole('button', { name: 'Stuur de inlogcode', exact: true }).click();
  const { otpId } = await (await otp).json();
  const res = await fetch(`${cfg.url}/_test/otp?otpId=${encodeURIComponent(otpId)}`);
  if (!res.ok) throw new Error(`no login code was mailed for OTP ${otpId}: ${res.status}`);
  await page.getByLabel('Inlogcode uit de e-mail').fill(await res.text());
  await page.getByRole('button', { name: 'Inloggen met code', exact: true }).click();
  await page.getByRole('heading', { name: cfg.heading, level: 1, exact: true }).waitFor();
  await page.locator('#sync .last').filter({ hasText: 'Laatst gesynchroniseerd' }).waitFor();
  check(problems.length === 0, problems.join('; '));
} catch (e) {
  await page.screenshot({ path: `${cfg.artifacts}/app-oidc-failure.png`, fullPage: true }).catch(() => {});
  throw e;
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify({ axe }));

async function scan(where) {
  const res = await new AxeBuilder({ page }).analyze();
  for (const v of res.violations) {
    if (v.impact === 'serious' || v.impact === 'critical') axe.push(`${where}: ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  }
}

function check(ok, msg) {
  if (!ok) throw new Error(msg);
}

async function readStdin() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}
