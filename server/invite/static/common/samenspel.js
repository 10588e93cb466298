'use strict';

// Shared helpers of the client's pages: the login kept in this browser
// (under PocketBase's SDK key, so an app on the same origin shares it),
// calls to the API, and building elements without ever parsing data as
// HTML.
window.samenspel = (function () {
  const authKey = 'pocketbase_auth';

  function loadAuth() {
    try {
      const a = JSON.parse(localStorage.getItem(authKey) || 'null');
      return a && a.token ? a : null;
    } catch (e) {
      return null;
    }
  }

  function saveAuth(token, record) {
    localStorage.setItem(authKey, JSON.stringify({ token: token, record: record }));
  }

  function clearAuth() {
    localStorage.removeItem(authKey);
  }

  // api calls path and resolves to {ok, status, body}; body is the parsed
  // JSON (an error has code, message, data).
  async function api(path, options) {
    const opts = Object.assign({ headers: {} }, options || {});
    const auth = loadAuth();
    if (auth && opts.auth !== false) {
      opts.headers.Authorization = auth.token;
    }
    if (opts.json !== undefined) {
      opts.method = opts.method || 'POST';
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(opts.json);
    }
    let res;
    try {
      res = await fetch(path, { method: opts.method || 'GET', headers: opts.headers, body: opts.body, credentials: 'omit', cache: 'no-store' });
    } catch (e) {
      return { ok: false, status: 0, body: { code: 'offline', message: String(e) } };
    }
    if (opts.raw) {
      return { ok: res.ok, status: res.status, res: res };
    }
    let body = {};
    try {
      body = await res.json();
    } catch (e) {
      body = {};
    }
    return { ok: res.ok, status: res.status, body: body };
  }

  // el builds an element: attributes as an object, children as strings
  // (text) or elements; null and false children are skipped.
  function el(tag, attrs) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') e.className = v;
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (let i = 2; i < arguments.length; i++) {
      const c = arguments[i];
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function date(s) {
    if (!s) return '';
    const d = new Date(String(s).replace(' ', 'T'));
    if (isNaN(d)) return '';
    return d.toLocaleDateString('nl-NL', { day: 'numeric', month: 'long', year: 'numeric' });
  }

  return { loadAuth: loadAuth, saveAuth: saveAuth, clearAuth: clearAuth, api: api, el: el, date: date };
})();
