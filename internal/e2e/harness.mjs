// What every browser script of the e2e tests (server/fieldapp/e2e,
// server/web/e2e) does the same way: read its input, launch Chromium, fail
// loudly, read a mailed login code, report serious accessibility findings.
// It imports nothing, so the two node packages can share it: each passes
// its own playwright-core.

// readStdin reads the script's input, JSON from the Go test.
export async function readStdin() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

// check throws msg unless ok: the message goes to stderr and the exit code
// is 1, which fails the Go test.
export function check(ok, msg) {
  if (!ok) throw new Error(msg);
}

// launch starts headless Chromium from the given path. Without the
// background-networking flags Chromium keeps dialling out to a network
// that is closed; Playwright gives every launch a fresh temporary
// user-data-dir.
export function launch(chromium, executablePath) {
  const args = [
    '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
    '--no-first-run', '--disable-component-update', '--disable-sync',
  ];
  return chromium.launch({ executablePath, headless: true, args, timeout: 60_000 });
}

// mailedCode is the login code mailed for otpId: the Go test keeps every
// mailed code and serves it at /_test/otp (internal/servertest, OTPPath),
// as a person reads their mail.
export async function mailedCode(url, otpId) {
  const res = await fetch(`${url}/_test/otp?otpId=${encodeURIComponent(otpId)}`);
  if (!res.ok) throw new Error(`no login code was mailed for OTP ${otpId}: ${res.status}`);
  return res.text();
}

// enterMailedCode types the code mailed for the request-otp answer otp
// (a promise of it) into a Samenspel login form, and logs in with it.
export async function enterMailedCode(page, url, otp) {
  const { otpId } = await (await otp).json();
  await page.getByLabel('Inlogcode uit de e-mail').fill(await mailedCode(url, otpId));
  await page.getByRole('button', { name: 'Inloggen met code', exact: true }).click();
}

// serious lists the serious and critical findings of an axe analysis, as
// "rule: first targets".
export function serious(results) {
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

// watchOIDCLogin watches a page through logins with the identity
// provider: each refusal of /auth-with-oauth2 in refusals (statuses, in
// order) is expected, any other error response, page error or console
// error is a problem. exchanges counts the code exchanges asked for.
export function watchOIDCLogin(page, refusals) {
  const w = { expected: [...refusals], problems: [], exchanges: 0 };
  page.on('pageerror', (e) => w.problems.push(`page error: ${e.message}`));
  page.on('request', (r) => { if (r.url().includes('/auth-with-oauth2')) w.exchanges++; });
  page.on('response', (r) => {
    if (r.status() < 400) return;
    if (r.url().includes('/auth-with-oauth2') && r.status() === w.expected[0]) { w.expected.shift(); return; }
    w.problems.push(`HTTP ${r.status()} ${r.url()}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 40[13]/.test(m.text())) w.problems.push(`console: ${m.text()}`);
  });
  return w;
}
