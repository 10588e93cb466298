// The coordinator's view of the access log: a login, a search by client,
// person and period, and the entries newest first, page by page. Text is
// only ever put in with textContent.
const $ = (id) => document.getElementById(id);
const key = 'samenspel_audit_token';

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
  const token = sessionStorage.getItem(key);
  if (token) headers.Authorization = token;
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
    sessionStorage.removeItem(key);
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

function showLogin(message) {
  $('login').hidden = false;
  $('search').hidden = true;
  $('results').hidden = true;
  $('more').hidden = true;
  status(message || '');
}

async function login(ev) {
  ev.preventDefault();
  const r = await api('/api/collections/users/auth-with-password', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ identity: $('email').value.trim(), password: $('password').value }),
  });
  if (!r.ok) {
    status('E-mailadres of wachtwoord klopt niet.');
    return;
  }
  sessionStorage.setItem(key, r.body.token);
  $('password').value = '';
  showSearch();
}

function showSearch() {
  $('login').hidden = true;
  $('search').hidden = false;
  status('');
}

$('login').addEventListener('submit', login);
$('search').addEventListener('submit', (ev) => { ev.preventDefault(); search(false); });
$('more').addEventListener('click', () => search(true));
if (sessionStorage.getItem(key)) showSearch(); else showLogin();
