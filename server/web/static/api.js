// Talking to the server: the PocketBase login kept in sessionStorage (gone
// when the tab closes), JSON requests with it, and filter quoting.

const TOKEN = 'samenspel.review.token';
const PERSON = 'samenspel.review.person';

export class ApiError extends Error {
  constructor(status, message, data) {
    super(message);
    this.status = status;
    this.data = data;
  }
}

export const session = {
  get token() { return sessionStorage.getItem(TOKEN) || ''; },
  get person() {
    try { return JSON.parse(sessionStorage.getItem(PERSON) || 'null'); } catch { return null; }
  },
  save(token, person) {
    sessionStorage.setItem(TOKEN, token);
    sessionStorage.setItem(PERSON, JSON.stringify(person));
  },
  clear() {
    sessionStorage.removeItem(TOKEN);
    sessionStorage.removeItem(PERSON);
  },
};

// request sends a JSON request with the login, and returns the decoded
// body. It throws ApiError with the status and the server's message.
export async function request(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (session.token) headers.Authorization = session.token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'De server is niet bereikbaar. Controleer je verbinding.');
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) {
    const msg = (data && typeof data.message === 'string' && data.message) || `Fout ${res.status}`;
    throw new ApiError(res.status, msg, data);
  }
  return data;
}

// login is the first step: the password. Staff log in with a second
// factor too: PocketBase answers the password with 401 and an mfaId, we
// ask for a code by e-mail and return { mfaId, otpId } for loginWithCode.
// Without MFA (it is on by default) the answer is { record }.
export async function login(identity, password) {
  let data;
  try {
    data = await request('POST', '/api/collections/users/auth-with-password', { identity, password });
  } catch (err) {
    const mfaId = err.status === 401 && err.data && err.data.mfaId;
    if (!mfaId) throw err;
    const otp = await request('POST', '/api/collections/users/request-otp', { email: identity });
    return { mfaId, otpId: otp.otpId };
  }
  session.save(data.token, data.record);
  return { record: data.record };
}

// The organisation's identity provider (OpenID Connect, PocketBase's
// "oidc" provider; docs/staff-login.md): the button takes the person
// there, the provider sends them back to this page with ?code=…&state=…,
// and loginWithOIDC exchanges the code. The state and the PKCE verifier
// wait in sessionStorage meanwhile.
const OIDC = 'samenspel.review.oidc';
const returnURL = () => location.origin + location.pathname;

// oidcProvider returns the server's OIDC provider, or null.
export async function oidcProvider() {
  try {
    const methods = await request('GET', '/api/collections/users/auth-methods');
    return (methods.oauth2 && methods.oauth2.enabled && methods.oauth2.providers.find((p) => p.name === 'oidc')) || null;
  } catch {
    return null;
  }
}

// startOIDC goes to the provider's login.
export function startOIDC(provider) {
  sessionStorage.setItem(OIDC, JSON.stringify({ state: provider.state, codeVerifier: provider.codeVerifier }));
  location.assign(provider.authURL + encodeURIComponent(returnURL()));
}

// oidcReturn reports whether the provider just sent the person back, and
// takes the code out of the address (a reload must not send it again).
// It returns null, or { code, verifier } (code "" when the login at the
// provider failed or the state does not match).
export function oidcReturn() {
  const q = new URLSearchParams(location.search);
  if (!q.has('state') || !(q.has('code') || q.has('error'))) return null;
  history.replaceState(null, '', returnURL() + location.hash);
  let saved = null;
  try { saved = JSON.parse(sessionStorage.getItem(OIDC)); } catch { /* none */ }
  sessionStorage.removeItem(OIDC);
  if (!saved || q.get('state') !== saved.state) return { code: '', verifier: '' };
  return { code: q.get('code') || '', verifier: saved.codeVerifier };
}

// loginWithOIDC exchanges the provider's code: { record } when that is
// the whole login, { mfaId } when a code by e-mail must follow
// (requestCode, then loginWithCode).
export async function loginWithOIDC({ code, verifier }) {
  try {
    const data = await request('POST', '/api/collections/users/auth-with-oauth2',
      { provider: 'oidc', code, codeVerifier: verifier, redirectURL: returnURL() });
    session.save(data.token, data.record);
    return { record: data.record };
  } catch (err) {
    const mfaId = err.status === 401 && err.data && err.data.mfaId;
    if (!mfaId) throw err;
    return { mfaId };
  }
}

// requestCode asks for the code by e-mail after the OIDC login.
export async function requestCode(email, mfaId) {
  const otp = await request('POST', '/api/collections/users/request-otp', { email });
  return { mfaId, otpId: otp.otpId };
}

// loginWithCode is the second step: the code from the e-mail.
export async function loginWithCode(step, code) {
  const data = await request('POST', '/api/collections/users/auth-with-otp',
    { otpId: step.otpId, password: code, mfaId: step.mfaId });
  session.save(data.token, data.record);
  return data.record;
}

// refresh renews the token of a kept login, or throws (401) if it expired.
export async function refresh() {
  const data = await request('POST', '/api/collections/users/auth-refresh');
  session.save(data.token, data.record);
  return data.record;
}

// list returns one page of a collection's records as the rules allow.
export function list(collection, params) {
  const q = new URLSearchParams(params);
  return request('GET', `/api/collections/${encodeURIComponent(collection)}/records?${q}`);
}

// quote makes a string literal for a PocketBase filter.
export function quote(s) {
  return '"' + String(s).replaceAll('\\', '\\\\').replaceAll('"', '\\"') + '"';
}

// anyOf is "(field = a || field = b ...)", or a filter that matches
// nothing when there are no values.
export function anyOf(field, values) {
  if (!values.length) return 'id = ""';
  return '(' + values.map((v) => `${field} = ${quote(v)}`).join(' || ') + ')';
}

// photo fetches a stored photo with the login and returns a URL to show:
// a blob: URL of the bytes (local storage), or the short-lived presigned
// URL the server answers with when photos live in S3.
export async function photo(id) {
  const res = await fetch(`/api/sync/v1/media/${encodeURIComponent(id)}/content`, {
    headers: { Authorization: session.token, Accept: 'application/json, image/*' },
  });
  if (!res.ok) throw new ApiError(res.status, `Foto ${res.status}`);
  if ((res.headers.get('Content-Type') || '').startsWith('application/json')) {
    const { url } = await res.json();
    if (typeof url !== 'string' || !url) throw new ApiError(502, 'Geen foto');
    return url;
  }
  const blob = await res.blob();
  if (!blob.type.startsWith('image/')) throw new ApiError(415, 'Geen foto');
  return URL.createObjectURL(blob);
}
