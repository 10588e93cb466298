// The access log's page (/audit/), as a coordinator uses it: log in with
// password and the code from the e-mail, search the entries of a client,
// see who looked; then, in a fresh tab, log in through the
// organisation's identity provider (a mock OpenID Connect provider the
// Go test started) and reach the search again. The page's login is the
// review page's (/review/api.js). Run by audit_page_test.go.
//
// Input (JSON on stdin): { url, chromium, email, password, client, looker, button }
// Output (JSON on stdout): { rows: number }
// Any failed check throws: the message goes to stderr and the exit code is 1.

import { chromium } from 'playwright-core';
import { check, enterMailedCode, launch, readStdin } from '../../../internal/e2e/harness.mjs';

const cfg = JSON.parse(await readStdin());
const browser = await launch(chromium, cfg.chromium);
let rows = 0;
try {
  // Password and code.
  let page = await open(['/auth-with-password 401']);
  await page.goto(`${cfg.url}/audit/`);
  await page.locator('#email').fill(cfg.email);
  await page.getByLabel('Wachtwoord').fill(cfg.password);
  let otp = page.waitForResponse((r) => r.url().includes('/request-otp'));
  await page.getByRole('button', { name: 'Inloggen', exact: true }).click();
  await typeCode(page, otp);
  await page.getByLabel('Cliënt (id)').fill(cfg.client);
  await page.getByRole('button', { name: 'Zoeken', exact: true }).click();
  await page.locator('#rows tr').first().waitFor();
  rows = await page.locator('#rows tr').count();
  const text = await page.locator('#rows').innerText();
  check(text.includes(cfg.looker), `the entries of the client do not name ${cfg.looker}:\n${text}`);
  await page.context().close();

  // The identity provider, then the code.
  page = await open(['/auth-with-oauth2 401']);
  await page.goto(`${cfg.url}/audit/`);
  await page.getByRole('button', { name: cfg.button, exact: true }).click();
  await page.getByText('Je bent ingelogd via je organisatie').waitFor();
  check(!new URL(page.url()).search, `the code stayed in the address: ${page.url()}`);
  await page.locator('#oidc-email').fill(cfg.email);
  otp = page.waitForResponse((r) => r.url().includes('/request-otp'));
  await page.getByRole('button', { name: 'Stuur de inlogcode', exact: true }).click();
  await typeCode(page, otp);
  await page.getByLabel('Cliënt (id)').waitFor();
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify({ rows }));

// open opens a fresh tab that fails on any error but the expected
// refusals ("<path> <status>", each once).
async function open(expected) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam' });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() < 400) return;
    const i = expected.findIndex((x) => { const [path, status] = x.split(' '); return r.url().includes(path) && r.status() === +status; });
    if (i >= 0) { expected.splice(i, 1); return; }
    problems.push(`HTTP ${r.status()} ${r.url()}`);
  });
  page.check = () => check(problems.length === 0, problems.join('; '));
  return page;
}

async function typeCode(page, otp) {
  await enterMailedCode(page, cfg.url, otp);
  await page.getByLabel('Cliënt (id)').waitFor();
  page.check();
}
