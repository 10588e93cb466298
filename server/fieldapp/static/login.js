// Logging in: PocketBase's own password login (staff in users, cliënten in
// clients), then the sync client registers this phone with the token. The
// token lives only in this function; the phone keeps the device token the
// library gets for it. Another factor (MFA) belongs here too.
import { L } from './labels-nl.js';
import { el, field } from './dom.js';
import { remember, syncClient } from './session.js';
import { FOR } from './elsewhere.js';

export function show(main, { onLoggedIn }) {
  const identity = el('input', { name: 'identity', type: 'email', autocomplete: 'username', required: true });
  const password = el('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const isClient = el('input', { type: 'checkbox', name: 'client' });
  const error = el('p', { class: 'error', role: 'alert' });
  const submit = el('button', { type: 'submit', class: 'primary' }, L.login.submit);
  const identityField = field(L.login.identity, identity);
  isClient.addEventListener('change', () => {
    identity.type = isClient.checked ? 'text' : 'email';
    identityField.querySelector('label').textContent = isClient.checked ? L.login.identityClient : L.login.identity;
  });
  const form = el('form', { class: 'card', novalidate: true },
    identityField, field(L.login.password, password),
    el('label', { class: 'choice' }, isClient, el('span', {}, L.login.isClient)),
    submit, error);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.textContent = '';
    if (!identity.value.trim() || !password.value) { error.textContent = L.required; return; }
    submit.disabled = true;
    submit.textContent = L.login.busy;
    try {
      const who = await logIn(isClient.checked ? 'clients' : 'users', identity.value.trim(), password.value);
      password.value = '';
      remember(who);
      onLoggedIn();
    } catch (e) {
      error.textContent = e.message;
      submit.disabled = false;
      submit.textContent = L.login.submit;
    }
  });
  main.replaceChildren(el('h1', { tabindex: '-1' }, L.login.title), el('p', {}, L.login.intro), form);
}

async function logIn(collection, identity, password) {
  if (!navigator.onLine) throw new Error(L.login.offline);
  let res;
  try {
    res = await fetch(`/api/collections/${collection}/auth-with-password`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ identity, password }),
    });
  } catch {
    throw new Error(L.login.offline);
  }
  if (res.status === 400 || res.status === 401 || res.status === 403) throw new Error(L.login.wrong);
  if (res.status === 429) throw new Error(L.login.tooMany);
  if (!res.ok) throw new Error(L.login.failed);
  const { token, record } = await res.json();
  const who = {
    id: record.id, collection, name: record.name || '', role: collection === 'clients' ? 'client' : record.role,
    teams: record.teams || (record.team ? [record.team] : []),
  };
  if (!FOR.has(who.role)) return who; // no device, no data on the phone: elsewhere.js says where to go
  const client = await syncClient();
  await client.register(token);
  try { await client.sync(); } catch { /* the first sync is tried again in the background */ }
  return who;
}
