// Logging in: PocketBase's own password login (staff in users, cliënten in
// clients), then the sync client registers this phone with the token. The
// token lives only in this module; the phone keeps the device token the
// library gets for it. Staff have a second factor (PocketBase's MFA): the
// password is answered with 401 and an mfaId, a code goes to their e-mail,
// and the code with the mfaId gives the token. The server registers a
// staff phone only with such a login.
//
// Staff may also log in through their organisation's identity provider
// (OpenID Connect, PocketBase's "oidc" provider, docs/staff-login.md):
// when the server has one, a button under the form takes them there, and
// the provider sends them back to this page with a code (?code=…&state=…),
// which finishOIDC exchanges with PocketBase. The state and the PKCE
// verifier wait in sessionStorage meanwhile. Unless the provider does MFA
// itself, PocketBase then asks for the code by e-mail as after a password.
import { L } from './labels-nl.js';
import { el, field } from './dom.js';
import { remember, syncClient } from './session.js';
import { FOR } from './elsewhere.js';

export function show(main, { onLoggedIn, message = '' }) {
  const identity = el('input', { name: 'identity', type: 'email', autocomplete: 'username', required: true });
  const password = el('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const isClient = el('input', { type: 'checkbox', name: 'client' });
  const error = el('p', { class: 'error', role: 'alert' }, message);
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
  const busy = (button, on, label) => { button.disabled = on; button.textContent = on ? L.login.busy : label; };
  const done = (collection, auth) => loggedIn(collection, auth, onLoggedIn);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.textContent = '';
    if (!identity.value.trim() || !password.value) { error.textContent = L.required; return; }
    busy(submit, true);
    const collection = isClient.checked ? 'clients' : 'users';
    try {
      const auth = await post(collection, 'auth-with-password', { identity: identity.value.trim(), password: password.value }, L.login.wrong);
      password.value = '';
      if (auth.mfaId) {
        const otp = await post(collection, 'request-otp', { email: identity.value.trim() }, L.login.failed);
        showCode(main, identity.value.trim(), (code) => post(collection, 'auth-with-otp',
          { otpId: otp.otpId, password: code, mfaId: auth.mfaId }, L.login.wrongCode).then((a) => done(collection, a)));
        return;
      }
      await done(collection, auth);
    } catch (e) {
      error.textContent = e.message;
      busy(submit, false, L.login.submit);
    }
  });
  main.replaceChildren(el('h1', { tabindex: '-1' }, L.login.title), el('p', {}, L.login.intro), form);
  offerOIDC(form);
}

async function loggedIn(collection, auth, onLoggedIn) {
  remember(await register(collection, auth));
  onLoggedIn();
}

const OIDC_KEY = 'samenspel.oidc';

// returnURL is where the identity provider sends the person back: this
// page, without query or hash. It must be registered at the provider.
const returnURL = () => location.origin + location.pathname;

// offerOIDC adds the identity provider's button under the form, when the
// server has one and the phone is online.
async function offerOIDC(form) {
  if (!navigator.onLine) return;
  let provider = null;
  try {
    const res = await fetch('/api/collections/users/auth-methods');
    const methods = res.ok ? await res.json() : {};
    if (methods.oauth2?.enabled) provider = methods.oauth2.providers.find((p) => p.name === 'oidc');
  } catch { /* no button */ }
  if (!provider || !form.isConnected) return;
  const button = el('button', { type: 'button', class: 'primary' }, provider.displayName);
  button.addEventListener('click', () => {
    sessionStorage.setItem(OIDC_KEY, JSON.stringify({ state: provider.state, codeVerifier: provider.codeVerifier }));
    location.assign(provider.authURL + encodeURIComponent(returnURL()));
  });
  form.after(el('div', { class: 'card' }, el('p', {}, L.login.or), button));
}

// returningFromOIDC reports whether the identity provider just sent the
// person back to this page.
export function returningFromOIDC() {
  const q = new URLSearchParams(location.search);
  return q.has('state') && (q.has('code') || q.has('error'));
}

// finishOIDC completes a login through the identity provider: the code
// for a token, or (with PocketBase's MFA) for an mfaId, then the e-mail
// code. Anything wrong shows the login form with the reason.
export async function finishOIDC(main, { onLoggedIn }) {
  const q = new URLSearchParams(location.search);
  history.replaceState(null, '', returnURL() + location.hash); // a reload must not send the code again
  let saved = null;
  try { saved = JSON.parse(sessionStorage.getItem(OIDC_KEY)); } catch { /* none */ }
  sessionStorage.removeItem(OIDC_KEY);
  const again = (message) => show(main, { onLoggedIn, message });
  if (!saved || !q.get('code') || q.get('state') !== saved.state) {
    again(L.login.oidcFailed);
    return;
  }
  main.replaceChildren(el('h1', { tabindex: '-1' }, L.login.title), el('p', { role: 'status' }, L.login.busy));
  try {
    const auth = await post('users', 'auth-with-oauth2',
      { provider: 'oidc', code: q.get('code'), codeVerifier: saved.codeVerifier, redirectURL: returnURL() },
      (status) => (status === 403 ? L.login.oidcNoAccount : L.login.oidcFailed));
    if (!auth.mfaId) {
      await loggedIn('users', auth, onLoggedIn);
      return;
    }
    askEmail(main, async (email) => {
      const otp = await post('users', 'request-otp', { email }, L.login.failed);
      showCode(main, email, (code) => post('users', 'auth-with-otp',
        { otpId: otp.otpId, password: code, mfaId: auth.mfaId }, L.login.wrongCode).then((a) => loggedIn('users', a, onLoggedIn)));
    });
  } catch (e) {
    again(e.message);
  }
}

// askEmail asks, after the identity provider, where the code goes.
function askEmail(main, send) {
  const email = el('input', { name: 'email', type: 'email', autocomplete: 'username', required: true });
  const error = el('p', { class: 'error', role: 'alert' });
  const submit = el('button', { type: 'submit', class: 'primary' }, L.login.oidcEmailSubmit);
  const form = el('form', { class: 'card', novalidate: true }, field(L.login.identity, email), submit, error);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.textContent = '';
    if (!email.value.trim()) { error.textContent = L.required; return; }
    submit.disabled = true;
    try {
      await send(email.value.trim());
    } catch (e) {
      error.textContent = e.message;
      submit.disabled = false;
    }
  });
  main.replaceChildren(el('h1', { tabindex: '-1' }, L.login.title), el('p', {}, L.login.oidcIntro), form);
  email.focus();
}

// showCode is the second step of a staff login: the code from the e-mail.
// send(code) finishes the login or throws with a message to show.
function showCode(main, email, send) {
  const code = el('input', { name: 'code', type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', required: true });
  const error = el('p', { class: 'error', role: 'alert' });
  const submit = el('button', { type: 'submit', class: 'primary' }, L.login.codeSubmit);
  const form = el('form', { class: 'card', novalidate: true }, field(L.login.code, code, L.login.codeSent(email)), submit, error);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.textContent = '';
    const value = code.value.replace(/\s/g, '');
    if (!value) { error.textContent = L.required; return; }
    submit.disabled = true;
    submit.textContent = L.login.busy;
    try {
      await send(value);
    } catch (e) {
      error.textContent = e.message;
      submit.disabled = false;
      submit.textContent = L.login.codeSubmit;
    }
  });
  main.replaceChildren(el('h1', { tabindex: '-1' }, L.login.title), form);
  code.focus();
}

// post sends one step of PocketBase's login and returns its answer: the
// token and record, or { mfaId } when a second factor is needed. A
// refusal throws with wrong (what the person got wrong at this step; a
// function of the status where that tells).
async function post(collection, action, body, wrong) {
  if (!navigator.onLine) throw new Error(L.login.offline);
  let res;
  try {
    res = await fetch(`/api/collections/${collection}/${action}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new Error(L.login.offline);
  }
  const data = await res.json().catch(() => ({}));
  if (res.status === 401 && data.mfaId) return { mfaId: data.mfaId };
  if (res.status === 429) throw new Error(L.login.tooMany);
  if (res.status === 400 && /MFA/.test(data.message || '')) throw new Error(L.login.expired);
  if (res.status === 400 || res.status === 401 || res.status === 403) throw new Error(typeof wrong === 'function' ? wrong(res.status) : wrong);
  if (!res.ok) throw new Error(L.login.failed);
  return data;
}

// register registers this phone with the login's token and returns the
// person to remember. A teamadviseur or coördinator gets no device and no
// data on the phone: elsewhere.js says where to go.
async function register(collection, { token, record }) {
  const who = {
    id: record.id, collection, name: record.name || '', role: collection === 'clients' ? 'client' : record.role,
    teams: record.teams || (record.team ? [record.team] : []),
  };
  if (!FOR.has(who.role)) return who;
  const client = await syncClient();
  await client.register(token);
  try { await client.sync(); } catch { /* the first sync is tried again in the background */ }
  return who;
}
