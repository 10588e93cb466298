// A superuser logs in to PocketBase's dashboard (/_/) with a password and
// then the one-time code by e-mail (migration 1795871262): the dashboard
// asks for the code by itself after the password. Run by
// dashboard_test.go.
//
// Input (JSON on stdin): { url, chromium, email, password }
// Output (JSON on stdout): { codeAsked: bool, loggedIn: bool }
// Any failed check throws: the message goes to stderr and the exit code is 1.

import { chromium } from 'playwright-core';
import { launch, mailedCode, readStdin } from '../../../internal/e2e/harness.mjs';

const cfg = JSON.parse(await readStdin());
const browser = await launch(chromium, cfg.chromium);
const out = { codeAsked: false, loggedIn: false };
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${cfg.url}/_/#/login`);
  await page.locator('input[name="identity"]').fill(cfg.email);
  await page.locator('input[name="password"]').fill(cfg.password);
  const otp = page.waitForResponse((r) => r.url().includes('/api/collections/_superusers/request-otp'));
  const first = page.waitForResponse((r) => r.url().includes('/api/collections/_superusers/auth-with-password'));
  await page.locator('input[name="password"]').press('Enter');
  const pw = await first;
  if (pw.status() !== 401) throw new Error(`the password alone answered ${pw.status()}, want 401 (a code must follow)`);
  const { otpId } = await (await otp).json();
  const code = page.locator('#otp_password');
  await code.waitFor();
  out.codeAsked = true;
  await code.fill(await mailedCode(cfg.url, otpId));
  const second = page.waitForResponse((r) => r.url().includes('/api/collections/_superusers/auth-with-otp'));
  await code.press('Enter');
  const done = await second;
  if (done.status() !== 200) throw new Error(`the code answered ${done.status()}`);
  await page.waitForFunction(() => !location.hash.startsWith('#/login'));
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  out.loggedIn = true;
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out));
