// Drives the cliënt's side of the field app in Debian's headless Chromium
// at phone width, next to their begeleider in a second browser context:
// the same goal reworded offline by both (the cliënt's words win), a write
// the server refuses (kept in the sync status with the cliënt's text), an
// observation on a wijksafari, and a phone revoked by a coordinator (the
// unsent work is offered as a file, then the phone is wiped). axe-core
// checks every cliënt screen. Run by client_test.go, which checks the
// database.
//
// Input (JSON on stdin): { url, chromium, password, artifacts, docShots?, clientLogin,
//   client, begeleider, goal, safari, coordToken, clientTitle, begTitle,
//   begStep, longTitle, obsTitle, unsent }
// Output (JSON on stdout): { screens: [...], axe: {screen: [ids]}, deviceId }
// Any failed check throws: the message goes to stderr and the exit code is 1.

import { readFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { check, launch, readStdin, serious } from '../../../internal/e2e/harness.mjs';
import AxeBuilder from '@axe-core/playwright';
import { logInStaff } from './staff-login.mjs';

const cfg = JSON.parse(await readStdin());
const browser = await launch(chromium, cfg.chromium);
const screens = [];
const findings = {};
const problems = [];
let deviceId = '';
let current = null;
try {
  await run();
} catch (e) {
  if (current) await current.screenshot({ path: `${cfg.artifacts}/app-client-failure.png`, fullPage: true }).catch(() => {});
  throw e;
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify({ screens, axe: findings, deviceId }));

async function phone() {
  const context = await browser.newContext({
    viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2,
    locale: 'nl-NL', timezoneId: 'Europe/Amsterdam', acceptDownloads: true,
  });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::ERR|status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  return { context, page };
}

async function run() {
  const cl = await phone();
  const bg = await phone();
  const page = cl.page;
  current = page;

  // The cliënt logs in with their username and lands on their own goals.
  await page.goto(`${cfg.url}/app/`);
  await page.getByRole('heading', { name: 'Inloggen' }).waitFor();
  await page.getByLabel('Ik ben cliënt').check();
  await page.getByLabel('Gebruikersnaam of e-mailadres').fill(cfg.clientLogin);
  await page.getByLabel('Wachtwoord').fill(cfg.password);
  await shot(page, 'client-login');
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.getByRole('heading', { name: 'Mijn doelen', level: 1 }).waitFor();
  await page.locator('#sync .last').filter({ hasText: 'Laatst gesynchroniseerd' }).waitFor();
  await shot(page, 'client-my-goals');
  deviceId = await page.evaluate(async () => (await (await import('/app/session.js')).syncClient()).deviceId);

  // The begeleider logs in on their own phone and opens the cliënt's goals.
  await bg.page.goto(`${cfg.url}/app/`);
  await logInStaff(bg.page, cfg.url, cfg.begeleider, cfg.password); // password, then the code from the mail
  await bg.page.locator('#sync .last').filter({ hasText: 'Laatst gesynchroniseerd' }).waitFor();
  await openClientGoals(bg.page);

  // 1. Both reword the same goal with no network.
  await cl.context.setOffline(true);
  await bg.context.setOffline(true);
  await page.locator('#sync .offline').waitFor();
  // The begeleider rewords the goal in their own form on the cliënt's
  // goals, puts it on hold (or back) in the same save, and adds a step of
  // their own: the status and the step are not the cliënt's words, so they
  // stand, and the cliënt sees them.
  const bgCard = goalCard(bg.page);
  await bgCard.locator('summary', { hasText: 'Doel aanpassen' }).click();
  const bgForm = bgCard.locator('form.edit-goal');
  await bgForm.getByLabel(/^Doel van .+, in eigen woorden$/).fill(cfg.begTitle);
  const paused = (await bgForm.getByLabel('Even niet').isChecked()) ? 'active' : 'paused';
  await bgForm.getByLabel(paused === 'paused' ? 'Even niet' : 'Mee bezig').check();
  await shot(bg.page, 'begeleider-goal-edit');
  await bgForm.getByRole('button', { name: 'Bewaren' }).click();
  await bg.page.getByRole('heading', { name: `“${cfg.begTitle}”` }).waitFor();
  const addStep = bgCard.locator('details', { has: bg.page.locator('summary', { hasText: 'Stap toevoegen' }) });
  await addStep.locator('summary').click();
  await addStep.getByLabel('Wat is de stap?').fill(cfg.begStep);
  await addStep.getByLabel('De begeleider').check();
  await addStep.getByRole('button', { name: 'Stap toevoegen' }).click();
  await bgCard.locator('section.steps', { has: bg.page.getByRole('heading', { name: 'Hierbij helpt de begeleider' }) }).getByText(cfg.begStep).waitFor();
  const sent = await bg.page.evaluate(async () => JSON.parse(await (await (await import('/app/session.js')).syncClient()).exportUnpushed()).outbox);
  check(sent.length === 2 && JSON.stringify(Object.keys(sent[0].data || {}).sort()) === '["status","title"]',
    `the begeleider's form sent ${JSON.stringify(sent.map((m) => [m.op, m.collection, Object.keys(m.data || {})]))}, want the title and status, then the step`);
  const card = goalCard(page);
  await card.locator('summary', { hasText: 'Woorden aanpassen' }).click();
  await card.getByLabel('Mijn doel, in mijn eigen woorden').fill(cfg.clientTitle);
  await card.getByRole('button', { name: 'Bewaren' }).click();
  await page.getByRole('heading', { name: `“${cfg.clientTitle}”` }).waitFor();
  await page.locator('#sync .waiting').filter({ hasText: '1 wijziging wacht' }).waitFor();

  // The begeleider's phone finds a network first, then the cliënt's.
  await bg.context.setOffline(false);
  await bg.page.locator('#sync .online').waitFor();
  await syncAndWait(bg.page);
  await cl.context.setOffline(false);
  await page.locator('#sync .online').waitFor();
  await page.getByRole('button', { name: 'Nu synchroniseren' }).click();
  await page.locator('#sync .waiting').filter({ hasText: 'Alles is verstuurd' }).waitFor();
  await syncAndWait(bg.page);
  await syncAndWait(page);
  await bg.page.reload();
  await openClientGoals(bg.page);
  await bg.page.getByRole('heading', { name: `“${cfg.clientTitle}”` }).waitFor();
  check(!(await bg.page.getByText(cfg.begTitle).count()), 'the begeleider still sees their own words as the goal');
  // The server cleared the agreement when the begeleider reworded the goal.
  await goalCard(bg.page).getByText(/heeft deze woorden nog niet bevestigd\.$/).waitFor();
  await page.reload();
  await page.getByRole('heading', { name: `“${cfg.clientTitle}”` }).waitFor();

  // The server cleared the agreement when the begeleider reworded it; the
  // cliënt agrees to their own words again.
  await goalCard(page).getByRole('button', { name: 'Ja, dit zijn mijn woorden' }).click();
  await goalCard(page).locator('.agreed').waitFor();
  await syncAndWait(page);

  // What changed: my words were kept, and what the begeleider wrote.
  await page.getByRole('link', { name: 'Wat is er veranderd?' }).click();
  await page.getByRole('heading', { name: 'Wat is er veranderd?', level: 1 }).waitFor();
  await page.getByText(`Jouw woorden zijn bewaard: “${cfg.clientTitle}”.`).waitFor();
  await page.getByText(`Je begeleider schreef: “${cfg.begTitle}”.`).waitFor();
  const changed = page.locator('section[aria-labelledby=changed]');
  await changed.getByText('Iemand anders (bijvoorbeeld je begeleider) veranderde hoe het ervoor staat').waitFor();
  await changed.getByText(`Nu: “${paused === 'paused' ? 'Even niet' : 'Mee bezig'}”`).waitFor();
  await changed.getByText(`Iemand anders (bijvoorbeeld je begeleider) voegde toe: stap “${cfg.begStep}”`).waitFor();
  await shot(page, 'client-my-changes');
  await page.locator('.kept').getByRole('button', { name: 'Gelezen' }).click();
  await page.locator('.kept').waitFor({ state: 'detached' });
  check(!(await page.locator('#sync .notice').count()), 'the status bar still tells of the conflict the cliënt has read');
  await changed.getByRole('button', { name: 'Ik heb het gezien' }).click();
  await page.getByText('Er is niets veranderd sinds je hier de vorige keer keek.').waitFor();
  await goalCardOnGoals(page);

  // My network, and an observation on the wijksafari I joined.
  await page.getByRole('link', { name: 'Mijn netwerk' }).click();
  await page.getByRole('heading', { name: 'Mijn netwerk', level: 1 }).waitFor();
  await shot(page, 'client-my-network');
  await page.getByRole('link', { name: 'Wijksafari', exact: true }).click();
  await page.getByRole('heading', { name: 'Wijksafari: wat heb jij gezien?' }).waitFor();
  const walk = page.locator('article', { has: page.getByRole('heading', { name: cfg.safari, exact: true }) }).first();
  await walk.locator('summary').click();
  await walk.getByLabel('Korte naam').fill(cfg.obsTitle);
  await walk.getByLabel('Wat viel op?').fill('Daar kun je even zitten en praten.');
  await walk.locator('input[type=radio][value=low]').check();
  await walk.getByRole('button', { name: 'Bewaar ontdekking' }).click();
  await page.locator('.found', { hasText: cfg.obsTitle }).filter({ hasText: 'Door jou geschreven' }).waitFor();
  await syncAndWait(page);
  await shot(page, 'client-my-observation');

  // 2. A title the server refuses stays in the status bar, in my words.
  await page.getByRole('link', { name: 'Mijn doelen' }).click();
  await page.getByRole('heading', { name: 'Mijn doelen', level: 1 }).waitFor();
  const card2 = goalCard(page);
  await card2.locator('summary', { hasText: 'Woorden aanpassen' }).click();
  await card2.getByLabel('Mijn doel, in mijn eigen woorden').fill(cfg.longTitle);
  await card2.getByRole('button', { name: 'Bewaren' }).click();
  await syncAndWait(page);
  const refused = page.locator('#sync .refused');
  await refused.waitFor();
  check(/nam 1 wijziging niet aan/.test(await refused.locator('summary').textContent()), 'refused title is not counted');
  const kept = await refused.locator('dd').allTextContents();
  check(kept.includes(cfg.longTitle), `the refused text is not shown as written: ${JSON.stringify(kept)}`);
  // Under the name the screens use, not the field's name in the database,
  // and why in Dutch.
  const names = await refused.locator('dt').allTextContents();
  check(names[kept.indexOf(cfg.longTitle)] === 'Het doel', `the refused text is labelled ${JSON.stringify(names)}, want "Het doel"`);
  check(!names.some((n) => /^[a-z_]+$/.test(n)), `the refused box shows field names: ${JSON.stringify(names)}`);
  const what = await refused.locator('.what').textContent();
  check(what === 'Doel: Iets klopt niet, bijvoorbeeld een tekst die te lang is. Het gaat om: Het doel.', `the refused box says ${JSON.stringify(what)}`);
  await page.getByRole('heading', { name: `“${cfg.clientTitle}”` }).waitFor({ timeout: 5000 }).catch(async () => {
    await page.reload();
    await page.getByRole('heading', { name: `“${cfg.clientTitle}”` }).waitFor();
  });
  await shot(page, 'client-refused');
  await refused.getByRole('button', { name: 'Ik heb het overgenomen' }).click();
  await refused.waitFor({ state: 'detached' });

  // 3. A coordinator revokes this phone while it holds unsent work.
  await cl.context.setOffline(true);
  await page.getByRole('link', { name: 'Mijn netwerk' }).click();
  await page.getByRole('heading', { name: 'Mijn netwerk', level: 1 }).waitFor();
  const add = page.locator('form.card', { has: page.getByRole('heading', { name: 'Iemand toevoegen' }) });
  await add.getByLabel('Voornaam of bijnaam').fill(cfg.unsent);
  await add.getByLabel('Wie is het voor jou?').selectOption('neighbour');
  await add.getByRole('button', { name: 'Bewaren' }).click();
  await page.locator('.contact', { hasText: cfg.unsent }).waitFor();
  const res = await fetch(`${cfg.url}/api/sync/v1/devices/${encodeURIComponent(deviceId)}/revoke`, {
    method: 'POST', headers: { Authorization: cfg.coordToken },
  });
  check(res.ok, `revoke answered ${res.status} ${await res.text()}`);
  await cl.context.setOffline(false);
  await page.locator('#sync .online').waitFor();
  // Coming online syncs by itself; the button is there if it did not.
  const revokedHeading = page.getByRole('heading', { name: 'Deze telefoon heeft geen toegang meer' });
  await revokedHeading.waitFor({ timeout: 5000 }).catch(async () => {
    await page.getByRole('button', { name: 'Nu synchroniseren' }).click();
    await revokedHeading.waitFor();
  });
  await shot(page, 'client-revoked');
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Bewaar mijn werk (bestand)' }).click();
  const download = await downloading;
  const exported = JSON.parse(await readFile(await download.path(), 'utf8'));
  check(exported.kind === 'samenspel-unpushed' && exported.device_id === deviceId, `export: ${exported.kind} ${exported.device_id}`);
  check(exported.outbox.some((m) => m.data?.name === cfg.unsent), `the export lacks the unsent contact: ${JSON.stringify(exported.outbox)}`);
  await page.locator('.wiped').waitFor();
  const left = await page.evaluate(() => new Promise((resolve, reject) => {
    const req = indexedDB.open('samenspel');
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const all = req.result.transaction('kv').objectStore('kv').getAll();
      all.onsuccess = () => resolve({ rows: all.result, person: localStorage.getItem('samenspel.person') });
      all.onerror = () => reject(all.error);
    };
  }));
  const data = left.rows.filter((r) => !(r.t === 'meta' && r.k === 'install'));
  const install = left.rows.find((r) => r.t === 'meta' && r.k === 'install')?.v;
  check(data.length === 0, `after the wipe the phone still holds ${data.length} rows: ${JSON.stringify(data.map((r) => `${r.t}/${r.k}`))}`);
  check(!install || (!install.token && !install.person && install.deviceId !== deviceId), `after the wipe the installation is ${JSON.stringify(install)}`);
  check(left.person === null, 'after the wipe the phone still remembers who logged in');
  await page.getByRole('button', { name: 'Opnieuw inloggen' }).click();
  await page.getByRole('heading', { name: 'Inloggen' }).waitFor();
  check(problems.length === 0, problems.join('\n'));
}

// goalCardOnGoals checks my goals shows the begeleider's step under
// "Hierbij helpt mijn begeleider", then comes back to what changed.
async function goalCardOnGoals(page) {
  await page.getByRole('link', { name: 'Mijn doelen' }).click();
  const group = goalCard(page).locator('section.steps', { has: page.getByRole('heading', { name: 'Hierbij helpt mijn begeleider' }) });
  await group.getByText(cfg.begStep).waitFor();
}

function goalCard(page) {
  return page.locator('article.goal').filter({ has: page.locator(`h2#goal-${cfg.goal}`) });
}

async function openClientGoals(page) {
  await page.evaluate((c) => { location.hash = `#/client/${c}`; }, cfg.client);
  await page.getByRole('heading', { name: /^Doelen van/ }).waitFor();
}

// syncAndWait runs one whole sync with the app's own sync client.
async function syncAndWait(page) {
  const st = await page.evaluate(async () => {
    try {
      return await (await (await import('/app/session.js')).syncClient()).sync();
    } catch (e) {
      return { lastError: { code: 'thrown', message: `${e.name}: ${e.message} ${e.inner?.message || ''}` } };
    }
  });
  check(!st.lastError || st.lastError.code === 'network', `sync: ${JSON.stringify(st.lastError)}`);
  return st;
}

// shot checks the screen with axe-core (serious and critical violations
// fail the test) and takes a full-page screenshot at 360 px.
async function shot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0)); // a full-page shot of a scrolled page draws sticky bars mid-page
  const bad = serious(await new AxeBuilder({ page }).analyze());
  if (bad.length) findings[name] = bad;
  await page.screenshot({ path: `${cfg.artifacts}/app-${name}.png`, fullPage: true });
  // For docs/screenshots: 360 CSS pixels wide, JPEG, small enough to keep.
  if (cfg.docShots) await page.screenshot({ path: `${cfg.docShots}/${name}.jpg`, fullPage: true, type: 'jpeg', quality: 70, scale: 'css' });
  screens.push(name);
}
