// Drives the field app in Debian's headless Chromium at phone width, the
// way a begeleider uses it on a walk with no network: log in once, go
// offline, plan and walk a wijksafari (5 observations, 2 photos), reload
// the page offline, finish the walk, come back online and sync. axe-core
// checks every screen. Run by app_test.go, which checks the database.
//
// Input (JSON on stdin): { url, chromium, email, password, team, client,
//   safari: {title, observations: [{title, kind, threshold, note, photo?, here?}]},
//   photos: {name: base64}, artifacts }
// Output (JSON on stdout): { screens: [...], axe: {screen: [ids]} }
// Any failed check throws: the message goes to stderr and the exit code is 1.

import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { isMFAConsole, isMFAResponse, logInStaff } from './staff-login.mjs';

const cfg = JSON.parse(await readStdin());
const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
  '--no-first-run', '--disable-component-update', '--disable-sync',
];
const browser = await chromium.launch({ executablePath: cfg.chromium, headless: true, args: FLAGS, timeout: 60_000 });
const screens = [];
const serious = {};
try {
  await run();
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify({ screens, axe: serious }));

async function run() {
  const context = await browser.newContext({
    viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2,
    locale: 'nl-NL', timezoneId: 'Europe/Amsterdam',
    permissions: ['geolocation'], geolocation: { latitude: 52.2551, longitude: 6.1639 },
  });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  const problems = [];
  page.on('response', (r) => { if (r.status() >= 400 && !isMFAResponse(r)) problems.push(`HTTP ${r.status()} ${r.url()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::ERR/.test(m.text()) && !isMFAConsole(m)) problems.push(`console: ${m.text()}`);
  });

  const doc = await page.goto(`${cfg.url}/app/`);
  check(doc.status() === 200, `GET /app/ answered ${doc.status()}`);
  const csp = doc.headers()['content-security-policy'] || '';
  check(csp.includes("script-src 'self'") && csp.includes("worker-src 'self'") && !csp.includes('unsafe-inline'), `weak CSP: ${csp}`);
  await page.getByRole('heading', { name: 'Inloggen' }).waitFor();
  await shot(page, 'login');

  await logInStaff(page, cfg.url, cfg.email, cfg.password); // password, then the code from the mail
  await page.locator('#sync .last').filter({ hasText: 'Laatst gesynchroniseerd' }).waitFor();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
  await page.evaluate((t) => { location.hash = `#/team/${t}`; }, cfg.team);
  await page.getByRole('heading', { name: 'Wijksafari\'s' }).waitFor();
  await shot(page, 'team');

  // Out of reach of any network from here on.
  await context.setOffline(true);
  await page.locator('#sync .offline').waitFor();
  await page.getByRole('link', { name: 'Wijksafari plannen' }).click();
  await page.getByRole('heading', { name: 'Wijksafari plannen' }).waitFor();
  await shot(page, 'plan');
  await page.getByLabel('Naam van de wijksafari').fill(cfg.safari.title);
  await page.locator('input[name=clients]').first().check();
  await page.locator('input[name=q]').nth(0).check();
  await page.locator('input[name=q]').nth(1).check();
  await page.getByLabel('Eigen vraag').fill('Waar kun je op zondag terecht?');
  await page.getByRole('button', { name: 'Vraag toevoegen' }).click();
  await page.getByRole('button', { name: 'Plannen en op pad' }).click();
  await page.getByRole('heading', { name: `Op pad: ${cfg.safari.title}` }).waitFor();

  for (const o of cfg.safari.observations) {
    await page.locator(`input[name=kind][value=${o.kind}]`).check();
    await page.getByLabel('Korte naam').fill(o.title);
    await page.getByLabel('Wat viel op?').fill(o.note);
    await page.locator(`input[name=threshold][value="${o.threshold}"]`).check();
    if (o.here) {
      await page.getByRole('button', { name: 'Ik ben hier (plek bewaren)' }).click();
      await page.getByText('Plek bewaard').waitFor();
    }
    if (o.photo) {
      await page.locator('input[name=photos]').setInputFiles({ name: o.photo, mimeType: 'image/jpeg', buffer: Buffer.from(cfg.photos[o.photo], 'base64') });
    }
    await page.getByRole('button', { name: 'Bewaar ontdekking' }).click();
    await page.getByText(`Bewaard: ${o.title}`).waitFor();
  }
  await page.locator('.found').nth(cfg.safari.observations.length - 1).waitFor();
  await shot(page, 'walk');
  const pending = await page.locator('#sync .waiting').textContent();
  check(/wijzigingen wachten/.test(pending) && /foto's wachten/.test(pending), `status bar while offline: ${pending}`);

  // The page comes back from the service worker and the phone's store.
  await page.reload();
  await page.getByRole('heading', { name: `Op pad: ${cfg.safari.title}` }).waitFor();
  const found = await page.locator('.found strong').allTextContents();
  check(found.length === cfg.safari.observations.length, `after an offline reload ${found.length} observations: ${found}`);
  check((await page.locator('.thumb').count()) === 2, 'after an offline reload the 2 photos are not shown');

  await page.screenshot({ path: `${cfg.artifacts}/app-walk-reloaded.png`, fullPage: true });
  const finish = page.getByRole('link', { name: 'Klaar met lopen' });
  await finish.scrollIntoViewIfNeeded();
  await page.evaluate((h) => { location.hash = h; }, await finish.getAttribute('href'));
  await page.getByLabel('Wat heeft het team geleerd?').fill(cfg.safari.reflection);
  await shot(page, 'finish');
  await page.getByRole('button', { name: 'Wijksafari afronden' }).click();
  await page.getByRole('heading', { name: 'Wijksafari\'s' }).waitFor();

  await context.setOffline(false);
  await page.locator('#sync .online').waitFor();
  await page.getByRole('button', { name: 'Nu synchroniseren' }).click().catch(() => {});
  await page.locator('#sync .waiting').filter({ hasText: 'Alles is verstuurd' }).waitFor({ timeout: 60_000 });
  if (await page.locator('#sync .refused').count()) {
    await shot(page, 'refused');
    throw new Error('the server refused changes: ' + (await page.locator('#sync .refused').textContent()) + problems.join('; '));
  }

  await page.evaluate((c) => { location.hash = `#/client/${c}`; }, cfg.client);
  await page.getByRole('heading', { name: /^Doelen van/ }).waitFor();
  await shot(page, 'client-goals');
  await page.getByRole('link', { name: 'Netwerk bekijken' }).click();
  await page.getByRole('heading', { name: /^Netwerk van/ }).waitFor();
  await shot(page, 'client-network');
  await page.evaluate((t) => { location.hash = `#/team/${t}/feedback`; }, cfg.team);
  await page.getByRole('heading', { name: 'Feedback van de teamadviseur' }).waitFor();
  await shot(page, 'feedback');
  check(problems.length === 0, problems.join('\n'));
}

// shot checks the screen with axe-core (serious and critical violations
// fail the test) and takes a full-page screenshot at 360 px.
async function shot(page, name) {
  const res = await new AxeBuilder({ page }).analyze();
  const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length) serious[name] = bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  await page.screenshot({ path: `${cfg.artifacts}/app-${name}.png`, fullPage: true });
  screens.push(name);
}

function check(ok, msg) {
  if (!ok) throw new Error(msg);
}

async function readStdin() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}
