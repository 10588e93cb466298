// The coordinator's view of the access log: a login, a search by client,
// person and period, and the entries newest first, page by page. Text is
// only ever put in with textContent.
//
// The login is the review page's (/review/api.js, one piece of code for
// the staff pages): password and the code by e-mail (PocketBase's MFA),
// or the organisation's identity provider, then the code. The login is
// kept in the tab's sessionStorage, shared with the review page.
import {
  login as passwordLogin, loginWithCode, loginWithOIDC, oidcProvider, oidcReturn, requestCode, session, startOIDC,
} from '/review/api.js';

const $ = (id) => document.getElementById(id);

const labels = {
  action: {
    read: 'bekeken', search: 'gezocht', create: 'aangemaakt', update: 'gewijzigd', delete: 'verwijderd', export: 'gedownload',
    impersonate: 'inloggen als cliënt', erase: 'gewist',
  },
  path: { rest: 'website of API', sync: 'app (sync)', dashboard: 'beheerscherm', me: 'eigen pagina cliënt', media: 'foto' },
};

let before = 0;

function status(text) {
  $('status').textContent = text;
  $('status').hidden = !text;
}

async function api(path, opts = {}) {
  const headers = { ...(opts.headers || {}) };
  if (session.token) headers.Authorization = session.token;
  try {
    const res = await fetch(path, { ...opts, headers, credentials: 'omit', cache: 'no-store' });
    let body = {};
    try { body = await res.json(); } catch (e) { body = {}; }
    return { ok: res.ok, status: res.status, body };
  } catch (e) {
    return { ok: false, status: 0, body: {} };
  }
}

function cell(text) {
  const td = document.createElement('td');
  td.textContent = text == null ? '' : String(text);
  return td;
}

// who names the person; a superuser who acted as someone else (with an
// impersonation token) is named with the account they used.
function who(e, accounts) {
  let s = e.person_name ? e.person_name + ' (' + e.person + ')' : (e.person || 'onbekende beheerder');
  if (e.on_behalf_of) {
    const name = accounts[e.on_behalf_of];
    s += ' namens ' + (name ? name + ' (' + e.on_behalf_of + ')' : e.on_behalf_of);
  }
  return s;
}

function row(e, accounts) {
  const tr = document.createElement('tr');
  tr.append(cell(e.seq), cell(new Date(e.at).toLocaleString('nl-NL')), cell(who(e, accounts)), cell(e.role), cell(e.client),
    cell(e.collections), cell(labels.action[e.action] || e.action), cell(e.count),
    cell(labels.path[e.path] || e.path), cell([e.device, e.ip].filter(Boolean).join(' · ')));
  return tr;
}

function dayStart(v, plusDay) {
  if (!v) return '';
  const d = new Date(v + 'T00:00:00');
  if (plusDay) d.setDate(d.getDate() + 1);
  return d.toISOString();
}

async function search(more) {
  if (!more) {
    before = 0;
    $('rows').replaceChildren();
  }
  const q = new URLSearchParams();
  for (const [name, value] of [['client', $('client').value.trim()], ['person', $('person').value.trim()],
    ['from', dayStart($('from').value, false)], ['to', dayStart($('to').value, true)]]) {
    if (value) q.set(name, value);
  }
  if (before) q.set('before', before);
  const r = await api('/api/audit/v1/entries?' + q.toString());
  if (r.status === 401 || r.status === 403) {
    session.clear();
    showLogin(r.status === 403 ? 'Alleen coördinatoren kunnen het toegangslog lezen.' : 'Log opnieuw in.');
    return;
  }
  if (!r.ok) {
    status(r.body.message || 'Zoeken lukte niet.');
    return;
  }
  status(r.body.entries.length || more ? '' : 'Niets gevonden.');
  const accounts = r.body.accounts || {};
  $('rows').append(...r.body.entries.map((e) => row(e, accounts)));
  $('results').hidden = false;
  before = r.body.next_before;
  $('more').hidden = !before;
}

let mfa = null; // { mfaId, otpId? } between the steps of a login

function showLogin(message) {
  for (const id of ['search', 'results', 'more', 'code-form', 'oidc-email-form']) $(id).hidden = true;
  $('login').hidden = false;
  mfa = null;
  status(message || '');
  offerOIDC();
}

async function offerOIDC() {
  const provider = await oidcProvider();
  if (!provider || $('login').hidden) return;
  $('oidc-button').textContent = provider.displayName;
  $('oidc-button').onclick = () => startOIDC(provider);
  $('oidc').hidden = false;
}

// step shows the form of the login's next step.
function step(id, message) {
  for (const f of ['login', 'oidc', 'oidc-email-form', 'code-form']) $(f).hidden = f !== id;
  status(message || '');
  $(id).querySelector('input').focus();
}

function askCode(email, next) {
  mfa = next;
  $('code').value = '';
  $('code-sent').textContent = `We hebben een e-mail met een inlogcode gestuurd naar ${email}. De code werkt 5 minuten.`;
  step('code-form');
}

// attempt runs one step of the login; a refusal shows why.
async function attempt(ev, run, refused) {
  ev.preventDefault();
  const button = ev.submitter || ev.target.querySelector('button');
  button.disabled = true;
  try {
    await run();
  } catch (err) {
    if (err.status === 400 && /MFA/.test(err.message)) showLogin('Het inloggen duurde te lang. Begin opnieuw.');
    else status(err.status === 429 ? 'Te vaak geprobeerd. Wacht een paar minuten.' : err.status >= 400 && err.status < 500 ? refused : err.message);
  } finally {
    button.disabled = false;
  }
}

$('login').addEventListener('submit', (ev) => attempt(ev, async () => {
  const email = $('email').value.trim();
  const r = await passwordLogin(email, $('password').value);
  $('password').value = '';
  if (r.record) showSearch();
  else askCode(email, r);
}, 'E-mailadres of wachtwoord klopt niet.'));

$('oidc-email-form').addEventListener('submit', (ev) => attempt(ev, async () => {
  const email = $('oidc-email').value.trim();
  askCode(email, await requestCode(email, mfa.mfaId));
}, 'Dit e-mailadres klopt niet.'));

$('code-form').addEventListener('submit', (ev) => attempt(ev, async () => {
  await loginWithCode(mfa, $('code').value.replace(/\s/g, ''));
  showSearch();
}, 'Deze code klopt niet of is verlopen. Kijk in je e-mail.'));

async function finishOIDC(back) {
  const failed = 'Inloggen via je organisatie lukte niet. Probeer het opnieuw.';
  if (!back.code) { showLogin(failed); return; }
  try {
    const r = await loginWithOIDC(back);
    if (r.record) { showSearch(); return; }
    showLogin('');
    mfa = r;
    step('oidc-email-form');
  } catch (err) {
    showLogin(err.status === 403 ? 'Er is in Samenspel geen medewerker met het e-mailadres van je organisatie.' : failed);
  }
}

function showSearch() {
  for (const id of ['login', 'oidc', 'oidc-email-form', 'code-form']) $(id).hidden = true;
  $('search').hidden = false;
  status('');
}

$('search').addEventListener('submit', (ev) => { ev.preventDefault(); search(false); });
$('more').addEventListener('click', () => search(true));
const back = oidcReturn();
if (back) finishOIDC(back);
else if (session.token) showSearch();
else showLogin();
