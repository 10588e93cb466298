// Drives the field app in Debian's headless Chromium at phone width, the
// way a begeleider uses it on a walk with no network: log in once, go
// offline, plan and walk a wijksafari (5 observations, 2 photos), reload
// the page offline (the status bar is right from its first paint), finish
// the walk, come back online, and the tab is closed in the middle of the
// push: the server applied the batch but its answer never reached the
// app. Reopened, the app sends the same batch again (the server answers
// from its log), and the tab is closed once more while the first photo's
// bytes are on their way. Opened a third time, everything is sent; then,
// offline again, they change a step's status and a network contact's
// circle for a cliënt, answer the teamadviseur's newest note and sync.
// axe-core checks every screen. Run by app_test.go, which checks the
// database: each record and photo exactly once, the answer once, the
// step and the contact changed.
//
// Input (JSON on stdin): { url, chromium, email, password, team, client,
//   edit: {step, status, contact, circle},
//   safari: {title, observations: [{title, kind, threshold, note, photo?, here?}]},
//   photos: {name: base64}, answer, artifacts, docShots? }
// Output (JSON on stdout): { screens: [...], axe: {screen: [ids]}, interrupted: {push, photo} }
// Any failed check throws: the message goes to stderr and the exit code is 1.

import { chromium } from 'playwright-core';
import { check, launch, readStdin, serious } from '../../../internal/e2e/harness.mjs';
import AxeBuilder from '@axe-core/playwright';
import { isMFAConsole, isMFAResponse, logInStaff } from './staff-login.mjs';

const cfg = JSON.parse(await readStdin());
const browser = await launch(chromium, cfg.chromium);
const screens = [];
const findings = {};
const interrupted = { push: 0, photo: 0 };
try {
  await run();
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify({ screens, axe: findings, interrupted }));

async function run() {
  const context = await browser.newContext({
    viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2,
    locale: 'nl-NL', timezoneId: 'Europe/Amsterdam',
    permissions: ['geolocation'], geolocation: { latitude: 52.2551, longitude: 6.1639 },
  });
  context.setDefaultTimeout(30_000);
  // Every state the sync status bar shows, from the first paint on.
  await context.addInitScript(() => {
    window.__bar = [];
    new MutationObserver(() => {
      const bar = document.getElementById('sync');
      if (!bar) return;
      const text = [...bar.querySelectorAll('p')].map((p) => p.textContent).join(' | ');
      if (text && text !== window.__bar[window.__bar.length - 1]) window.__bar.push(text);
    }).observe(document, { childList: true, subtree: true, characterData: true });
  });
  // context.setOffline does not reach a service worker's own fetches once
  // it controls a reloaded page (and navigator.onLine says true again):
  // the phone would still reach the server through its worker. So offline
  // also means every request to the server fails here, the worker's too.
  let offline = false;
  await context.route((url) => url.pathname.startsWith('/api/'), (route) => (offline ? route.abort('internetdisconnected') : route.fallback()));
  const setOffline = async (v) => { offline = v; await context.setOffline(v); };
  const problems = [];
  const watch = (page) => {
    page.on('response', (r) => { if (r.status() >= 400 && !isMFAResponse(r)) problems.push(`HTTP ${r.status()} ${r.url()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::ERR/.test(m.text()) && !isMFAConsole(m)) problems.push(`console: ${m.text()}`);
    });
    return page;
  };
  let page = watch(await context.newPage());

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
  await setOffline(true);
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

  const before = normalise(await page.evaluate(() => window.__bar[window.__bar.length - 1]));

  // The page comes back from the service worker and the phone's store,
  // and the status bar says so from its first paint: offline, the same
  // changes and photos waiting, the same last sync.
  await page.reload();
  await page.getByRole('heading', { name: `Op pad: ${cfg.safari.title}` }).waitFor();
  await page.locator('.found').nth(cfg.safari.observations.length - 1).waitFor({ timeout: 5000 }).catch(() => {}); // drawn after the heading
  const found = await page.locator('.found strong').allTextContents();
  check(found.length === cfg.safari.observations.length, `after an offline reload ${found.length} observations: ${found}`);
  check((await page.locator('.thumb').count()) === 2, 'after an offline reload the 2 photos are not shown');
  const painted = await page.evaluate(() => window.__bar);
  check(painted.length > 0 && painted.every((t) => normalise(t) === before),
    `after an offline reload the status bar showed ${JSON.stringify(painted)}, want only ${JSON.stringify(before)}`);
  check((await page.locator('#sync .offline').count()) === 1, 'after an offline reload the status bar does not say offline');
  await page.screenshot({ path: `${cfg.artifacts}/app-walk-reloaded.png`, fullPage: true });

  const finish = page.getByRole('link', { name: 'Klaar met lopen' });
  await finish.scrollIntoViewIfNeeded();
  await page.evaluate((h) => { location.hash = h; }, await finish.getAttribute('href'));
  await page.getByLabel('Wat heeft het team geleerd?').fill(cfg.safari.reflection);
  await shot(page, 'finish');
  await page.getByRole('button', { name: 'Wijksafari afronden' }).click();
  await page.getByRole('heading', { name: 'Wijksafari\'s' }).waitFor();

  // Back online, the tab is closed in the middle of the push: the server
  // applies the batch, but its answer never reaches the app.
  let pushed;
  const pushReachedServer = new Promise((resolve) => { pushed = resolve; });
  await page.route('**/api/sync/v1/push', async (route) => {
    const res = await route.fetch();
    pushed(await res.json());
    // No answer: the tab closes before it would arrive.
  });
  await setOffline(false);
  page.getByRole('button', { name: 'Nu synchroniseren' }).click({ timeout: 5000 }).catch(() => {});
  const first = await pushReachedServer;
  await page.close();
  interrupted.push = (first.results || []).filter((r) => r.status === 'applied').length;
  check(interrupted.push > 0, `the interrupted push applied nothing: ${JSON.stringify(first)}`);

  // Reopened: the same mutations go again and the server answers them from
  // its log. Then the first photo's bytes reach the server and the tab is
  // closed again before the answer comes back.
  page = watch(await context.newPage());
  let uploaded;
  const photoReachedServer = new Promise((resolve) => { uploaded = resolve; });
  await page.route('**/api/sync/v1/blobs/**', async (route) => {
    if (route.request().method() !== 'PUT') return route.continue();
    const res = await route.fetch();
    uploaded(res.status());
  });
  await page.goto(`${cfg.url}/app/#/team/${cfg.team}`);
  check((await photoReachedServer) < 300, 'the interrupted photo upload did not reach the server');
  await page.close();
  interrupted.photo = 1;

  // Opened a third time, everything is sent.
  page = watch(await context.newPage());
  await page.goto(`${cfg.url}/app/#/team/${cfg.team}`);
  await page.getByRole('heading', { name: 'Wijksafari\'s' }).waitFor();
  await page.locator('#sync .waiting').filter({ hasText: 'Alles is verstuurd' }).waitFor({ timeout: 60_000 });
  await page.locator('#sync .last').filter({ hasText: 'Laatst gesynchroniseerd' }).waitFor();
  if (await page.locator('#sync .refused').count()) {
    await shot(page, 'refused');
    throw new Error('the server refused changes: ' + (await page.locator('#sync .refused').textContent()) + problems.join('; '));
  }

  await page.evaluate((c) => { location.hash = `#/client/${c}`; }, cfg.client);
  await page.getByRole('heading', { name: /^Doelen van/ }).waitFor();
  await shot(page, 'client-goals');

  // With no network, the begeleider changes how a step of the cliënt goes
  // and moves someone to another circle of the network; both go with the
  // next sync, as only the fields changed.
  await setOffline(true);
  await page.locator('#sync .offline').waitFor();
  const { step, status, contact, circle } = cfg.edit;
  const stepItem = page.locator('li.step', { has: page.locator(`input[name="status-${step}"]`) });
  await stepItem.locator('summary').click();
  await stepItem.locator(`input[name="status-${step}"][value="${status}"]`).check();
  // A slow phone: the goals' redraw after the save is still reading when
  // the begeleider moves on to the network screen.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 8 });
  await stepItem.getByRole('button', { name: 'Bewaren' }).click();
  await page.locator('li.step', { has: page.locator(`input[name="status-${step}"][value="${status}"]:checked`) }).waitFor({ state: 'attached' });
  await page.getByRole('link', { name: 'Netwerk bekijken' }).click();
  await page.getByRole('heading', { name: /^Netwerk van/ }).waitFor();
  // The goals, redrawn after the save, must not paint over the screen the
  // begeleider has moved to (app.js paints screens one at a time).
  await page.waitForTimeout(1000);
  check(await page.getByRole('heading', { name: /^Netwerk van/ }).count() === 1,
    'the goals screen, redrawn after the save, painted over the network screen');
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  await shot(page, 'client-network');
  const contactItem = page.locator('li.contact', { has: page.locator(`input[name="circle-${contact}"]`) });
  await contactItem.locator('summary').click();
  await contactItem.locator(`input[name="circle-${contact}"][value="${circle}"]`).check();
  await contactItem.getByRole('button', { name: 'Bewaren' }).click();
  await page.locator(`.circle-${circle} li.contact`, { has: page.locator(`input[name="circle-${contact}"]`) }).waitFor();
  await page.locator('#sync .waiting').filter({ hasText: '2 wijzigingen wachten' }).waitFor();
  const sent = await page.evaluate(async () => JSON.parse(await (await (await import('/app/session.js')).syncClient()).exportUnpushed()).outbox);
  const what = JSON.stringify(sent.map((m) => [m.collection, m.id, Object.keys(m.data || {})]));
  check(what === JSON.stringify([['goal_steps', step, ['status']], ['network_contacts', contact, ['circle']]]), `the begeleider's forms sent ${what}, want only the step's status and the contact's circle`);
  await page.evaluate((t) => { location.hash = `#/team/${t}/feedback`; }, cfg.team);
  await page.getByRole('heading', { name: 'Feedback van de teamadviseur' }).waitFor();

  // Answer the newest note with no network; the answer shows at once and
  // goes with the next sync.
  const note = page.locator('.note').first();
  await note.getByLabel('Jouw antwoord').fill(cfg.answer);
  await note.getByRole('button', { name: 'Antwoord versturen' }).click();
  await page.getByText('Je antwoord is bewaard.').waitFor();
  const mine = page.locator('.note').first().locator('.answers li').filter({ hasText: cfg.answer });
  const meta = await mine.locator('.meta').textContent();
  check(meta === 'Jij · nog niet verstuurd', `answer while offline: ${meta}`);
  await shot(page, 'feedback');
  await setOffline(false);
  await page.locator('#sync .online').waitFor();
  await page.getByRole('button', { name: 'Nu synchroniseren' }).click().catch(() => {});
  await page.locator('#sync .waiting').filter({ hasText: 'Alles is verstuurd' }).waitFor({ timeout: 60_000 });
  check(!(await page.locator('#sync .refused').count()), 'the server refused the answer');
  await page.reload();
  await page.getByRole('heading', { name: 'Feedback van de teamadviseur' }).waitFor();
  const synced = await page.locator('.answers li').filter({ hasText: cfg.answer }).locator('.meta').textContent();
  check(/^Jij · \d+ \S+ \d{4}$/.test(synced), `answer after sync: ${synced}`);
  check(problems.length === 0, problems.join('\n'));
}

// shot checks the screen with axe-core (serious and critical violations
// fail the test) and takes a full-page screenshot at 360 px.
async function shot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0)); // a full-page shot of a scrolled page draws sticky bars mid-page
  const bad = serious(await new AxeBuilder({ page }).analyze());
  if (bad.length) findings[name] = bad;
  await page.screenshot({ path: `${cfg.artifacts}/app-${name}.png`, fullPage: true });
  if (cfg.docShots) await docShot(page, name);
  screens.push(name);
}

// docShot writes the screen for docs/screenshots: 360 CSS pixels wide,
// JPEG, small enough to keep in the repository.
async function docShot(page, name) {
  await page.screenshot({ path: `${cfg.docShots}/begeleider-${name}.jpg`, fullPage: true, type: 'jpeg', quality: 70, scale: 'css' });
}

// normalise is the status bar's text with its white space collapsed.
function normalise(text) {
  return String(text || '').replace(/\s+/g, ' ').trim();
}
