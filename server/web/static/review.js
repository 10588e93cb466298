// The review page: log in, pick a team and a period, see the team's
// figures, walks and findings, and leave feedback.
//
// Everything shown comes from the server's APIs under the person's own
// login, so the access rules decide what there is. The page asks only for
// the fields it shows (the `fields` parameter) and expands nothing about
// clients: it never receives a client's name or id.

import {
  anyOf, list, login, loginWithCode, loginWithOIDC, oidcProvider, oidcReturn, photo, quote, refresh, request, requestCode, session, startOIDC,
} from './api.js';
import { bars, count, figure, isCount, months, percent } from './charts.js';
import { clear, date, el } from './dom.js';
import * as L from './labels.js';

const $ = (id) => document.getElementById(id);

const ROLES = new Set(['teamadviseur', 'coordinator']);

const state = {
  person: null,
  mfa: null, // { mfaId, otpId } between the password and the code
  teams: [],
  team: null,
  gen: 0, // the latest load; answers to an older one are dropped
  blobs: [], // photo URLs to revoke when the page shows something else
};

init();

async function init() {
  $('login-form').addEventListener('submit', onLogin);
  $('code-form').addEventListener('submit', onCode);
  $('code-back').addEventListener('click', () => showLogin(''));
  $('logout').addEventListener('click', () => logout('Je bent uitgelogd.'));
  $('pick').addEventListener('submit', (e) => { e.preventDefault(); load(); });
  $('period').addEventListener('change', onPeriod);
  $('fb-form').addEventListener('submit', onFeedback);
  $('oidc-email-form').addEventListener('submit', onOIDCEmail);
  const back = oidcReturn();
  if (back) {
    await onOIDCReturn(back);
    return;
  }
  if (session.token) {
    try {
      state.person = await refresh();
      await start();
      return;
    } catch (err) {
      session.clear();
      showLogin(err.status === 401 || err.status === 404 ? 'Je sessie is verlopen. Log opnieuw in.' : err.message);
      return;
    }
  }
  showLogin('');
}

// Logging in and out.

function showLogin(message) {
  $('review-view').hidden = true;
  $('who').hidden = true;
  $('login-view').hidden = false;
  $('login-form').hidden = false;
  $('code-form').hidden = true;
  $('oidc-email-form').hidden = true;
  state.mfa = null;
  $('login-error').textContent = message;
  if (message) $('email').focus(); // on a fresh visit the keyboard starts at the skip link
  offerOIDC();
}

// offerOIDC shows the identity provider's button when the server has one.
async function offerOIDC() {
  const provider = await oidcProvider();
  if (!provider || $('login-form').hidden) return;
  const button = $('oidc-button');
  button.textContent = provider.displayName;
  button.onclick = () => startOIDC(provider);
  $('oidc').hidden = false;
}

// onOIDCReturn finishes a login through the identity provider: at once,
// or (with the code by e-mail as second factor) after the e-mail step.
async function onOIDCReturn(back) {
  const failed = 'Inloggen via je organisatie lukte niet. Probeer het opnieuw.';
  if (!back.code) {
    showLogin(failed);
    return;
  }
  try {
    const step = await loginWithOIDC(back);
    if (step.record) {
      await loggedIn(step.record);
      return;
    }
    showLogin('');
    state.mfa = { mfaId: step.mfaId };
    $('login-form').hidden = true;
    $('oidc').hidden = true;
    $('oidc-email-form').hidden = false;
    $('oidc-email').focus();
  } catch (err) {
    showLogin(err.status === 403
      ? 'Er is in Samenspel geen medewerker met het e-mailadres van je organisatie. Een coördinator maakt je account.'
      : failed);
  }
}

async function onOIDCEmail(e) {
  e.preventDefault();
  const email = $('oidc-email').value.trim();
  const error = $('oidc-email-error');
  if (!email) {
    error.textContent = 'Vul je e-mailadres in.';
    $('oidc-email').focus();
    return;
  }
  const button = e.submitter || $('oidc-email-form').querySelector('button');
  button.disabled = true;
  error.textContent = '';
  try {
    state.mfa = await requestCode(email, state.mfa.mfaId);
    $('oidc-email-form').hidden = true;
    showCodeForm(email);
  } catch (err) {
    error.textContent = err.status === 429 ? 'Te vaak geprobeerd. Wacht een paar minuten.' : err.message;
  } finally {
    button.disabled = false;
  }
}

async function onLogin(e) {
  e.preventDefault();
  const email = $('email').value.trim();
  const password = $('password').value;
  const error = $('login-error');
  if (!email || !password) {
    error.textContent = 'Vul je e-mailadres en je wachtwoord in.';
    (email ? $('password') : $('email')).focus();
    return;
  }
  const button = e.submitter || $('login-form').querySelector('button');
  button.disabled = true;
  error.textContent = '';
  try {
    const step = await login(email, password);
    $('password').value = '';
    if (step.record) {
      await loggedIn(step.record);
      return;
    }
    // The second factor: a code by e-mail.
    state.mfa = step;
    $('login-form').hidden = true;
    $('oidc').hidden = true;
    showCodeForm(email);
  } catch (err) {
    error.textContent = err.status === 400
      ? 'Dit e-mailadres en wachtwoord horen niet bij elkaar. Probeer het nog eens.'
      : err.message;
  } finally {
    button.disabled = false;
  }
}

// showCodeForm asks for the code mailed to email.
function showCodeForm(email) {
  $('code-form').hidden = false;
  $('code-sent').textContent = `We hebben een e-mail met een inlogcode gestuurd naar ${email}. De code werkt 5 minuten.`;
  $('code-error').textContent = '';
  $('code').value = '';
  $('code').focus();
}

async function onCode(e) {
  e.preventDefault();
  const code = $('code').value.replace(/\s/g, '');
  const error = $('code-error');
  if (!code) {
    error.textContent = 'Vul de inlogcode uit de e-mail in.';
    $('code').focus();
    return;
  }
  const button = e.submitter || $('code-form').querySelector('button[type="submit"]');
  button.disabled = true;
  error.textContent = '';
  try {
    await loggedIn(await loginWithCode(state.mfa, code));
  } catch (err) {
    if (err.status === 400 && /MFA/.test(err.message)) {
      showLogin('Het inloggen duurde te lang. Begin opnieuw.');
    } else {
      error.textContent = err.status === 400 || err.status === 429
        ? 'Deze code klopt niet of is verlopen. Kijk in je e-mail of begin opnieuw.'
        : err.message;
    }
  } finally {
    button.disabled = false;
  }
}

async function loggedIn(person) {
  if (!ROLES.has(person.role)) {
    session.clear();
    showLogin('');
    $('login-error').textContent = 'Deze pagina is voor teamadviseurs. Begeleiders en cliënten gebruiken de Samenspel-app.';
    return;
  }
  state.mfa = null;
  state.person = person;
  await start();
}

function logout(message) {
  session.clear();
  state.gen++;
  state.person = null;
  state.team = null;
  revokePhotos();
  $('team-view').hidden = true;
  showLogin(message);
}

// Choosing a team and a period.

async function start() {
  $('login-view').hidden = true;
  $('review-view').hidden = false;
  $('who').hidden = false;
  $('who-name').textContent = state.person.name || state.person.email || '';
  status('Teams laden…');
  let page;
  try {
    page = await list('teams', { sort: 'name', perPage: 200, fields: 'id,name,area' });
  } catch (err) {
    if (err.status === 401) return logout('Je sessie is verlopen. Log opnieuw in.');
    status(`De teams konden niet geladen worden: ${err.message}`);
    return;
  }
  state.teams = page.items || [];
  const select = clear($('team'));
  for (const t of state.teams) select.append(el('option', { value: t.id }, t.area ? `${t.name} (${t.area})` : t.name));
  if (!state.teams.length) {
    status('Je adviseert nog geen teams. Een coördinator kan je aan een team koppelen.');
    return;
  }
  $('review-title').focus();
  await load();
}

function onPeriod() {
  const custom = $('period').value === 'custom';
  $('custom-period').hidden = !custom;
  if (custom && !$('from').value) {
    const r = monthsBack(6);
    $('from').value = r.from;
    $('to').value = r.to;
  }
}

function iso(d) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function monthsBack(n) {
  const to = new Date();
  const from = new Date(to.getFullYear(), to.getMonth() - n, to.getDate() + 1);
  return { from: iso(from), to: iso(to) };
}

// period is the chosen {from, to} as YYYY-MM-DD, both days included, or
// null when the custom dates do not make a period.
function period() {
  const v = $('period').value;
  if (v !== 'custom') return monthsBack(Number(v) || 6);
  const from = $('from').value;
  const to = $('to').value;
  if (!from || !to || from > to) return null;
  return { from, to };
}

// stored is the first instant of day (plus days) in the browser's time
// zone as PocketBase stores dates, so a period means the same days here
// as in the review API (which counts in Dutch time, as a Dutch browser).
function stored(day, plus) {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y, m - 1, d + plus).toISOString().replace('T', ' ');
}

function status(text) {
  $('status').textContent = text;
}

// Loading a team.

async function load() {
  const team = state.teams.find((t) => t.id === $('team').value);
  if (!team) return;
  const range = period();
  if (!range) {
    status('Kies een begindatum die niet na de einddatum ligt.');
    $('from').focus();
    return;
  }
  const gen = ++state.gen;
  state.team = team;
  revokePhotos();
  const view = $('team-view');
  view.hidden = false;
  view.dataset.state = 'loading';
  view.dataset.team = team.id;
  delete view.dataset.photos;
  $('fb-status').textContent = '';
  $('team-name').textContent = team.name;
  $('team-meta').textContent = [team.area, `${date(range.from)} tot en met ${date(range.to)}`].filter(Boolean).join(' · ');
  status(`Gegevens van ${team.name} laden…`);

  const results = await Promise.allSettled([
    loadSummary(team, range, gen),
    loadSafaris(team, range, gen),
    loadFeedback(team, gen),
  ]);
  if (gen !== state.gen) return;
  if (results.some((r) => r.status === 'rejected' && r.reason?.status === 401)) {
    logout('Je sessie is verlopen. Log opnieuw in.');
    return;
  }
  view.dataset.state = 'ready';
  status(`${team.name}: ${date(range.from)} tot en met ${date(range.to)}.`);
}

// section runs a loader and shows its failure inside box, except a lost
// login, which the caller handles.
async function section(box, what, fn) {
  try {
    await fn();
  } catch (err) {
    if (err.status === 401) throw err;
    clear(box).append(el('p', { class: 'empty' }, `${what} konden niet geladen worden: ${err.message}`));
  }
}

// The figures.

function loadSummary(team, range, gen) {
  const box = clear($('summary'));
  box.append(el('p', { class: 'empty' }, 'Cijfers laden…'));
  return section(box, 'De cijfers', async () => {
    let s;
    try {
      s = await request('GET', `/api/review/v1/teams/${encodeURIComponent(team.id)}/summary?${new URLSearchParams(range)}`);
    } catch (err) {
      if (err.status !== 404) throw err;
      if (gen === state.gen) clear(box).append(el('p', { class: 'empty' }, 'Voor dit team zijn (nog) geen cijfers beschikbaar.'));
      return;
    }
    if (gen !== state.gen) return;
    renderSummary(clear(box), s && typeof s === 'object' ? s : {});
  });
}

function card(title, name, ...children) {
  const id = `card-${name}`;
  return el('section', { class: 'card', 'aria-labelledby': id, dataset: { card: name } }, el('h3', { id }, title), children);
}

function obj(v) {
  return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
}

// sum adds counts only when every one is a number: with a "<5" among
// them the total is not known.
function sum(values) {
  if (!values.length || values.some((v) => typeof v !== 'number')) return undefined;
  return values.reduce((a, b) => a + b, 0);
}

function maybeFigure(label, value, name) {
  return isCount(value) ? figure(label, value, name) : null;
}

function renderSummary(box, s) {
  const perMonth = Array.isArray(s.safaris_per_month) ? s.safaris_per_month : [];
  box.append(card("Wijksafari's", 'safaris',
    maybeFigure("safari's in deze periode", sum(perMonth.map((m) => m?.count)), 'safaris.total'),
    months('Per maand', perMonth, 'safaris_per_month')));

  const obs = obj(s.observations);
  if (obs) {
    box.append(card('Wat het team vond', 'observations',
      maybeFigure('waarnemingen', obs.total, 'observations.total'),
      bars('Soort', obs.by_kind, L.observationKinds, { figure: 'observations.by_kind' }),
      bars('Drempel om binnen te lopen', obs.by_threshold, L.thresholds, { figure: 'observations.by_threshold' })));
  }

  const goals = obj(s.goals);
  if (goals) {
    box.append(card('Doelen van cliënten', 'goals',
      maybeFigure('doelen, in de woorden van de cliënt', goals.total, 'goals.total'),
      bars('Per leefgebied', goals.by_life_domain, L.lifeDomains, { figure: 'goals.by_life_domain' }),
      bars('Stand van zaken', goals.by_status, L.goalStatuses, { figure: 'goals.by_status' })));
  }

  const steps = obj(s.steps);
  if (steps) {
    const share = steps.zorgen_dat_share;
    const shareFigure = typeof share === 'number' && Number.isFinite(share)
      ? figure('van de stappen draagt de cliënt zelf of iemand uit het netwerk: zorgen dát', share, 'steps.zorgen_dat_share', percent(share))
      : el('p', { class: 'figure muted' }, el('span', { class: 'big', dataset: { figure: 'steps.zorgen_dat_share' } }, '–'),
        el('span', { class: 'what' }, 'Nog te weinig stappen om te zeggen wie ze draagt.'));
    box.append(card('Wie draagt de stappen?', 'steps',
      maybeFigure('stappen', steps.total, 'steps.total'),
      shareFigure,
      bars('Gedragen door', steps.by_carrier, L.carriers, { figure: 'steps.by_carrier', highlight: L.zorgenDat }),
      el('p', { class: 'legend' }, el('span', { class: 'swatch accent', 'aria-hidden': 'true' }),
        'Zorgen dát: de cliënt of het netwerk draagt de stap, de begeleider zorgt dat het gebeurt.')));
  }

  const nets = obj(s.networks);
  if (nets || isCount(s.dormant_revived)) {
    box.append(card('Netwerken', 'networks',
      maybeFigure('cliënten met een netwerkkaart', nets?.clients, 'networks.clients'),
      nets && bars('Grootte van het netwerk', nets.size, L.networkSizes, { figure: 'networks.size' }),
      nets && bars('Deel informele contacten', nets.informal_share, L.informalShares, { figure: 'networks.informal_share' }),
      maybeFigure('slapende contacten weer opgepakt', s.dormant_revived, 'dormant_revived')));
  }

  const sync = obj(s.sync_health);
  if (sync) {
    box.append(card('Synchronisatie', 'sync',
      maybeFigure('telefoons in gebruik', sync.devices, 'sync_health.devices'),
      bars('Laatst gesynchroniseerd', sync.last_sync, L.lastSync, { figure: 'sync_health.last_sync' }),
      el('dl', { class: 'facts' },
        isCount(sync.open_conflicts) && [el('dt', {}, 'Open conflicten om te bespreken'),
          el('dd', { dataset: { figure: 'sync_health.open_conflicts' } }, count(sync.open_conflicts))],
        isCount(sync.rejected_mutations) && [el('dt', {}, 'Geweigerde wijzigingen'),
          el('dd', { dataset: { figure: 'sync_health.rejected_mutations' } }, count(sync.rejected_mutations))])));
  }

  if (obj(s.feedback)) {
    box.append(card('Feedback in deze periode', 'feedback',
      bars('Soort', s.feedback, L.feedbackKinds, { figure: 'feedback' })));
  }
  if (!box.children.length) box.append(el('p', { class: 'empty' }, 'Geen cijfers voor deze periode.'));
}

// The walks, what was found on them, and the photos.

function questionsOf(v) {
  let q = v;
  if (typeof q === 'string') {
    try { q = JSON.parse(q); } catch { q = [q]; }
  }
  return Array.isArray(q) ? q.filter((x) => typeof x === 'string' && x.trim()) : [];
}

function loadSafaris(team, range, gen) {
  const box = clear($('safaris'));
  $('safaris-meta').textContent = '';
  box.append(el('p', { class: 'empty' }, "Safari's laden…"));
  return section(box, "De safari's", async () => {
    const filter = `team = ${quote(team.id)} && date >= ${quote(stored(range.from, 0))} && date < ${quote(stored(range.to, 1))}`;
    const page = await list('safaris', {
      filter, sort: '-date', perPage: 10, fields: 'id,title,area,date,status,questions,reflection',
    });
    const safaris = page.items || [];
    const ids = safaris.map((s) => s.id);
    const [obsPage, mediaPage] = await Promise.all([
      list('observations', {
        filter: anyOf('safari', ids), sort: '-created', perPage: 200,
        fields: 'id,safari,kind,title,note,threshold,created',
      }),
      list('media', {
        filter: `status = "stored" && ${anyOf('observation.safari', ids)}`, sort: 'created', perPage: 200,
        fields: 'id,observation',
      }),
    ]);
    if (gen !== state.gen) return;
    const observations = obsPage.items || [];
    const photos = new Map();
    for (const m of mediaPage.items || []) {
      if (!photos.has(m.observation)) photos.set(m.observation, []);
      photos.get(m.observation).push(m.id);
    }
    clear(box);
    const total = page.totalItems ?? safaris.length;
    $('safaris-meta').textContent = total > safaris.length
      ? `De ${safaris.length} meest recente van ${total} safari's in deze periode.`
      : `${total === 1 ? '1 safari' : `${total} safari's`} in deze periode.`;
    if (!safaris.length) box.append(el('p', { class: 'empty' }, "Geen safari's in deze periode."));
    const queue = [];
    for (const s of safaris) {
      box.append(renderSafari(s, observations.filter((o) => o.safari === s.id), photos, queue));
    }
    fillAbout(safaris, observations);
    loadPhotos(queue, gen);
  });
}

function renderSafari(s, observations, photos, queue) {
  const hid = `safari-${s.id}`;
  const questions = questionsOf(s.questions);
  return el('article', { class: 'safari', id: `s-${s.id}`, 'aria-labelledby': hid, dataset: { safari: s.id } },
    el('header', {},
      el('h3', { id: hid }, s.title || 'Safari zonder titel'),
      el('p', { class: 'meta' }, [date(s.date), L.label(L.safariStatuses, s.status), s.area].filter(Boolean).join(' · '))),
    questions.length > 0 && el('div', { class: 'questions' },
      el('h4', {}, 'Leidende vragen'),
      el('ul', {}, questions.map((q) => el('li', {}, q)))),
    el('div', { class: 'reflection' },
      el('h4', {}, 'Reflectie van het team'),
      s.reflection ? el('p', {}, s.reflection) : el('p', { class: 'empty' }, s.status === 'planned' ? 'Deze safari is nog niet gelopen.' : 'Nog geen reflectie.')),
    el('h4', {}, observations.length === 1 ? '1 waarneming' : `${observations.length} waarnemingen`),
    observations.length > 0 && el('ul', { class: 'observations' }, observations.map((o) => renderObservation(o, photos.get(o.id) || [], queue))),
    el('p', { class: 'actions' }, aboutButton('safari', s.id, 'Feedback over deze safari', s.title)));
}

function renderObservation(o, mediaIDs, queue) {
  const thr = o.threshold || 'unknown';
  const shots = mediaIDs.map((id) => {
    const slot = el('figure', { class: 'photo', dataset: { media: id } }, el('span', { class: 'placeholder' }, 'Foto laden…'));
    queue.push({ id, slot, alt: `Foto bij “${o.title}”` });
    return slot;
  });
  return el('li', { class: 'obs', dataset: { observation: o.id } },
    el('p', { class: 'tags' },
      el('span', { class: 'tag' }, L.label(L.observationKinds, o.kind)),
      el('span', { class: `tag thr-${thr}` }, L.label(L.thresholds, thr))),
    el('h5', {}, o.title),
    o.note && el('p', { class: 'note-text' }, o.note),
    shots.length > 0 && el('div', { class: 'photos' }, shots),
    el('p', { class: 'actions' }, aboutButton('observation', o.id, 'Feedback hierover', o.title)));
}

// loadPhotos fetches photos a few at a time with the login and shows each
// as a blob: URL; the page's data-photos says when all are done.
async function loadPhotos(queue, gen) {
  const view = $('team-view');
  view.dataset.photos = 'loading';
  const next = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      try {
        const url = await photo(job.id);
        if (gen !== state.gen) { URL.revokeObjectURL(url); return; }
        state.blobs.push(url);
        clear(job.slot).append(el('img', { src: url, alt: job.alt }));
      } catch {
        if (gen === state.gen) clear(job.slot).append(el('span', { class: 'placeholder' }, 'Foto niet beschikbaar'));
      }
    }
  };
  await Promise.all([next(), next(), next(), next()]);
  if (gen === state.gen) view.dataset.photos = 'ready';
}

function revokePhotos() {
  for (const url of state.blobs) URL.revokeObjectURL(url);
  state.blobs = [];
}

// Feedback.

function mayWriteFeedback(team) {
  const advises = state.person?.advises;
  return state.person?.role === 'teamadviseur' && Array.isArray(advises) && advises.includes(team.id);
}

function aboutButton(kind, id, text, title) {
  if (!state.team || !mayWriteFeedback(state.team)) return null;
  return el('button', {
    type: 'button', class: 'quiet', 'aria-label': `${text}: ${title}`,
    onclick: () => {
      $('fb-about').value = `${kind}:${id}`;
      $('fb-form').scrollIntoView({ behavior: 'smooth', block: 'start' });
      $('fb-text').focus({ preventScroll: true });
    },
  }, text);
}

// fillAbout offers the shown walks and findings as subjects of a note.
function fillAbout(safaris, observations) {
  const select = clear($('fb-about'));
  select.append(el('option', { value: '' }, 'Het team in het algemeen'));
  if (safaris.length) {
    select.append(el('optgroup', { label: "Safari's" },
      safaris.map((s) => el('option', { value: `safari:${s.id}` }, [s.title, date(s.date)].filter(Boolean).join(' – ')))));
  }
  if (observations.length) {
    select.append(el('optgroup', { label: 'Waarnemingen' },
      observations.map((o) => el('option', { value: `observation:${o.id}` }, o.title))));
  }
}

function loadFeedback(team, gen) {
  const box = clear($('fb-list'));
  $('fb-form').hidden = !mayWriteFeedback(team);
  $('fb-readonly').hidden = mayWriteFeedback(team);
  return section(box, 'De feedback', async () => {
    const page = await list('feedback', {
      filter: `team = ${quote(team.id)}`, sort: '-created', perPage: 50, expand: 'safari,observation',
      fields: 'id,kind,text,created,author,safari,observation,expand.safari.title,expand.observation.title',
    });
    if (gen !== state.gen) return;
    renderFeedback(clear(box), page.items || []);
  });
}

function renderFeedback(box, items) {
  if (!items.length) {
    box.append(el('li', { class: 'empty' }, 'Nog geen feedback voor dit team.'));
    return;
  }
  for (const f of items) {
    const about = f.expand?.observation?.title
      ? `over waarneming “${f.expand.observation.title}”`
      : f.expand?.safari?.title ? `over safari “${f.expand.safari.title}”` : 'over het team';
    const who = f.author === state.person?.id ? 'van jou' : 'van een collega-teamadviseur';
    box.append(el('li', { class: `fb fb-${f.kind || 'other'}`, dataset: { feedback: f.id } },
      el('p', { class: 'meta' },
        el('span', { class: 'tag' }, L.label(L.feedbackKinds, f.kind || '')),
        ` ${[date(f.created), who, about].join(' · ')}`),
      el('p', { class: 'text' }, f.text)));
  }
}

async function onFeedback(e) {
  e.preventDefault();
  const team = state.team;
  const out = $('fb-status');
  const text = $('fb-text').value.trim();
  if (!team) return;
  if (!text) {
    out.textContent = 'Schrijf eerst je bericht.';
    $('fb-text').focus();
    return;
  }
  const body = {
    team: team.id,
    author: state.person.id,
    kind: new FormData($('fb-form')).get('kind') || 'question',
    text,
  };
  const [kind, id] = $('fb-about').value.split(':');
  if (id && (kind === 'safari' || kind === 'observation')) body[kind] = id;
  const button = e.submitter || $('fb-form').querySelector('button[type=submit]');
  button.disabled = true;
  out.textContent = 'Versturen…';
  try {
    await request('POST', '/api/collections/feedback/records', body);
    $('fb-text').value = '';
    $('fb-about').value = '';
    out.textContent = 'Verstuurd. Het team ziet je bericht bij de volgende synchronisatie.';
    await loadFeedback(team, state.gen);
  } catch (err) {
    if (err.status === 401) return logout('Je sessie is verlopen. Log opnieuw in.');
    out.textContent = `Niet verstuurd: ${err.message}`;
  } finally {
    button.disabled = false;
  }
}
