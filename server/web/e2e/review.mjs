// Drives the review page in Debian's headless Chromium, the way a
// teamadviseur uses it, once at laptop width and once at phone width. Run
// by web_test.go, which reads the JSON this prints and checks the database.
//
// Input (JSON on stdin):
//   { url, chromium, email, password, team, safari, observation, photos,
//     clientNames: [...], clientIDs: [...], screenshots: {laptop, phone} }
// Output (JSON on stdout):
//   { runs: [{ viewport, summary, feedback: {kind, text, safari?, observation?},
//              figures: {...}, photos, noOverflow }] }
// Any failed check throws: the message goes to stderr and the exit code is 1.

import { chromium } from 'playwright-core';
import { check, launch, mailedCode, readStdin } from '../../../internal/e2e/harness.mjs';

const cfg = JSON.parse(await readStdin());

const VIEWPORTS = [
  { name: 'laptop', viewport: { width: 1280, height: 800 }, kind: 'question', label: 'Vraag', about: { safari: cfg.safari } },
  { name: 'phone', viewport: { width: 390, height: 844 }, kind: 'suggestion', label: 'Suggestie', about: { observation: cfg.observation }, mobile: true },
];

const browser = await launch(chromium, cfg.chromium);
const runs = [];
try {
  for (const v of VIEWPORTS) runs.push(await run(v));
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify({ runs }));

async function run(v) {
  const context = await browser.newContext({
    viewport: v.viewport,
    isMobile: !!v.mobile,
    hasTouch: !!v.mobile,
    deviceScaleFactor: v.mobile ? 2 : 1,
    locale: 'nl-NL',
    timezoneId: 'Europe/Amsterdam',
  });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  const problems = [];
  // Errors the browser reports, but for the one wrong password we send
  // on purpose (its 400) and the first step of the login (a 401 with an
  // mfaId: staff then type a code from their e-mail): each shows up as a
  // response and as a console error.
  const allowed = { response: 0, console: 0, mfaResponse: 0, mfaConsole: 0 };
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (m.text().includes('status of 400') && allowed.console > 0) { allowed.console--; return; }
    if (m.text().includes('status of 401') && allowed.mfaConsole > 0) { allowed.mfaConsole--; return; }
    problems.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('response', (r) => {
    if (r.status() < 400) return;
    if (r.status() === 400 && /\/auth-with-(password|otp)/.test(r.url()) && allowed.response > 0) { allowed.response--; return; }
    if (r.status() === 401 && r.url().includes('/auth-with-password') && allowed.mfaResponse > 0) { allowed.mfaResponse--; return; }
    problems.push(`HTTP ${r.status()} ${r.url()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));

  // Every body the page receives, to look for clients in it.
  const bodies = [];
  page.on('response', async (res) => {
    const type = res.headers()['content-type'] || '';
    if (type.startsWith('application/json') || type.startsWith('text/') || type.includes('javascript')) {
      try { bodies.push({ url: res.url(), text: await res.text() }); } catch { /* redirects have no body */ }
    }
  });

  const doc = await page.goto(`${cfg.url}/review/`);
  check(doc.status() === 200, `${v.name}: GET /review/ answered ${doc.status()}`);
  const csp = doc.headers()['content-security-policy'] || '';
  check(csp.includes("script-src 'self'") && !csp.includes('unsafe-inline'), `${v.name}: weak or missing CSP: ${csp}`);

  // The keyboard reaches the skip link first.
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement?.classList.contains('skip')), `${v.name}: first Tab does not reach the skip link`);

  // Log in with the labelled fields; a wrong password is told, not thrown.
  await page.getByLabel('E-mailadres', { exact: true }).fill(cfg.email);
  await page.getByLabel('Wachtwoord', { exact: true }).fill('fout-wachtwoord');
  Object.assign(allowed, { response: 1, console: 1 });
  const refused = page.waitForResponse((r) => r.url().includes('/auth-with-password'));
  await page.getByRole('button', { name: 'Inloggen' }).click();
  check((await refused).status() === 400, `${v.name}: a wrong password was not refused with 400`);
  await page.locator('#login-error').filter({ hasText: 'horen niet bij elkaar' }).waitFor();
  await page.getByLabel('Wachtwoord', { exact: true }).fill(cfg.password);
  Object.assign(allowed, { mfaResponse: 1, mfaConsole: 1 });
  const otp = page.waitForResponse((r) => r.url().includes('/request-otp'));
  await page.getByRole('button', { name: 'Inloggen' }).click();
  // The second step: the code from the e-mail, which the Go test keeps
  // and serves at /_test/otp (internal/servertest, OTPPath).
  const { otpId } = await (await otp).json();
  const code = await mailedCode(cfg.url, otpId);
  await page.getByLabel('Inlogcode uit de e-mail', { exact: true }).fill(`${(Number(code[0]) + 1) % 10}${code.slice(1)}`); // one digit off
  Object.assign(allowed, { response: allowed.response + 1, console: allowed.console + 1 });
  const wrongCode = page.waitForResponse((r) => r.url().includes('/auth-with-otp'));
  await page.getByRole('button', { name: 'Inloggen met code' }).click();
  check((await wrongCode).status() === 400, `${v.name}: a wrong code was not refused with 400`);
  await page.locator('#code-error').filter({ hasText: 'klopt niet' }).waitFor();
  await page.getByLabel('Inlogcode uit de e-mail', { exact: true }).fill(code);
  const firstSummary = page.waitForResponse((r) => r.url().includes('/api/review/v1/teams/'));
  await page.getByRole('button', { name: 'Inloggen met code' }).click();
  await firstSummary;
  await page.locator('#team-view[data-state="ready"]').waitFor();

  // Pick the team and show it; keep the summary the page got.
  await page.getByLabel('Team', { exact: true }).selectOption(cfg.team);
  const summaryRes = page.waitForResponse((r) => r.url().includes(`/api/review/v1/teams/${cfg.team}/summary`));
  await page.getByRole('button', { name: 'Toon' }).click();
  const res = await summaryRes;
  check(res.status() === 200, `${v.name}: summary answered ${res.status()}: ${await res.text()}`);
  const summary = await res.json();
  await page.locator(`#team-view[data-state="ready"][data-team="${cfg.team}"]`).waitFor();

  // The figures on the page are the API's.
  const figures = {};
  const expectFigure = async (name, want) => {
    const got = (await page.locator(`[data-figure="${name}"]`).first().textContent())?.trim();
    figures[name] = got;
    check(got === want, `${v.name}: figure ${name} shows ${JSON.stringify(got)}, the API says ${JSON.stringify(want)}`);
  };
  await expectFigure('steps.total', count(summary.steps.total));
  await expectFigure('steps.zorgen_dat_share', share(summary.steps.zorgen_dat_share));
  for (const [k, n] of Object.entries(summary.steps.by_carrier)) await expectFigure(`steps.by_carrier.${k}`, count(n));
  await expectFigure('observations.total', count(summary.observations.total));
  for (const [k, n] of Object.entries(summary.observations.by_threshold)) await expectFigure(`observations.by_threshold.${k}`, count(n));
  await expectFigure('goals.total', count(summary.goals.total));
  await expectFigure('networks.clients', count(summary.networks.clients));
  for (const m of summary.safaris_per_month) await expectFigure(`safaris_per_month.${m.month}`, count(m.count));
  // Client and network bars are the zorgen-dát accent, the others not.
  for (const k of ['client', 'network']) {
    check(await page.locator(`.bar.accent[data-key="${k}"]`).count() === 1, `${v.name}: ${k} bar not highlighted`);
  }
  check(await page.locator('.bar.accent[data-key="begeleider"]').count() === 0, `${v.name}: begeleider bar highlighted`);
  // A suppressed count is a hatched bar without a number.
  for (const el of await page.locator('.bar.lt5 .value, .col.lt5 .value').all()) {
    check((await el.textContent()).trim() === 'minder dan 5', `${v.name}: a "<5" bar shows ${await el.textContent()}`);
  }
  for (const el of await page.locator('.bar.ge5 .value, .col.ge5 .value').all()) {
    check((await el.textContent()).trim() === '5 of meer', `${v.name}: a "≥5" bar shows ${await el.textContent()}`);
  }

  // Walks with their guiding questions, findings with their photos.
  const safari = page.locator(`article.safari[data-safari="${cfg.safari}"]`);
  await safari.waitFor();
  check(await safari.locator('.questions li').count() > 0, `${v.name}: safari without its guiding questions`);
  await page.locator('#team-view[data-photos="ready"]').waitFor();
  const photos = await page.locator('.photo img').evaluateAll((imgs) =>
    imgs.filter((i) => i.src.startsWith('blob:') && i.complete && i.naturalWidth > 0).length);
  check(photos === cfg.photos, `${v.name}: ${photos} photos shown, want ${cfg.photos}`);

  // Leave feedback through the form.
  const text = `E2E ${v.name}: wat hielp jullie om de drempel bij het buurthuis samen te nemen? (${Date.now()})`;
  await page.getByLabel(v.label, { exact: true }).check();
  const aboutValue = v.about.safari ? `safari:${v.about.safari}` : `observation:${v.about.observation}`;
  await page.getByLabel('Over', { exact: true }).selectOption(aboutValue);
  await page.getByLabel('Je bericht', { exact: true }).fill(text);
  await page.getByRole('button', { name: 'Versturen' }).click();
  await page.locator('#fb-status').filter({ hasText: 'Verstuurd' }).waitFor();
  await page.locator('#fb-list li', { hasText: text }).waitFor();

  // No client's name anywhere on the page or in anything it received;
  // no client id either.
  const pageText = await page.evaluate(() => document.body.innerText);
  for (const name of cfg.clientNames) {
    const re = wordRE(name);
    check(!re.test(pageText), `${v.name}: client name ${JSON.stringify(name)} on the page`);
    for (const b of bodies) check(!re.test(b.text), `${v.name}: client name ${JSON.stringify(name)} in ${b.url}`);
  }
  for (const id of cfg.clientIDs) {
    for (const b of bodies) check(!b.text.includes(id), `${v.name}: client id ${id} in ${b.url}`);
  }

  // Fits the screen: nothing scrolls sideways.
  const noOverflow = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  check(noOverflow, `${v.name}: the page is wider than the ${v.viewport.width}px screen`);

  await page.screenshot({ path: cfg.screenshots[v.name], fullPage: true });

  // The login lasts while the tab does: a reload keeps it, logging out
  // ends it.
  await page.reload();
  await page.locator('#team-view[data-state="ready"]').waitFor();

  // A summary with most keys missing (an older or newer server) still
  // shows what it has and guesses nothing.
  await page.route('**/api/review/v1/teams/*/summary*', (route) =>
    route.fulfill({ contentType: 'application/json', body: JSON.stringify({ steps: { total: '<5' }, networks: {} }) }));
  await page.getByRole('button', { name: 'Toon' }).click();
  await page.locator('#team-view[data-state="ready"]').waitFor();
  check((await page.locator('[data-figure="steps.total"]').textContent()) === 'minder dan 5', `${v.name}: partial summary: steps.total`);
  check((await page.locator('[data-figure="steps.zorgen_dat_share"]').textContent()) === '–', `${v.name}: partial summary: share`);
  check(await page.locator('[data-card="observations"]').count() === 0, `${v.name}: partial summary: a card for missing observations`);
  await page.unroute('**/api/review/v1/teams/*/summary*');

  await page.getByRole('button', { name: 'Uitloggen' }).click();
  await page.locator('#login-view').waitFor();
  check(await page.evaluate(() => sessionStorage.length === 0), `${v.name}: the login is still in sessionStorage after logging out`);
  check(problems.length === 0, `${v.name}: the browser reported:\n${problems.join('\n')}`);
  await context.close();
  return { viewport: v.name, summary, figures, photos, noOverflow, feedback: { kind: v.kind, text, ...v.about } };
}

function count(v) {
  if (v === '≥5') return '5 of meer'; // withheld so that no "<5" can be worked out
  return v === '<5' ? 'minder dan 5' : Number(v).toLocaleString('nl-NL');
}

function share(v) {
  return v === null || v === undefined ? '–' : `${Math.round(v * 100)}%`;
}

// wordRE matches name as a whole word (letters of any script around it
// break the match), so "Mo" does not match "Moestuin".
function wordRE(name) {
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}])${esc}(?![\\p{L}\\p{N}])`, 'u');
}
