// http.js sends one JSON request to the sync API and retries what may be
// retried: no answer and 5xx with exponential backoff, 429 after its
// Retry-After. Everything else comes back as a SyncError at once.

import { SyncError, retryable } from './errors.js';

export class Transport {
  constructor({ baseURL, fetch, schemaVersion, maxAttempts = 5, backoffMs = 500, sleep = defaultSleep }) {
    this.baseURL = baseURL.replace(/\/$/, '');
    this.fetch = fetch;
    this.schemaVersion = schemaVersion;
    this.maxAttempts = maxAttempts;
    this.backoffMs = backoffMs;
    this.sleep = sleep;
    this.online = null; // true after an answer, false after none
  }

  // json sends a request to path (under baseURL) with auth as the whole
  // Authorization header, and returns the decoded 200 answer. peek, if
  // given, sees the start of a 200 answer's text as it arrives (every try's)
  // until it returns true.
  async json(method, path, { auth = '', body, signal, peek } = {}) {
    let last;
    for (let attempt = 0; attempt < Math.max(1, this.maxAttempts); attempt++) {
      if (attempt > 0) {
        const wait = last.status === 429 ? last.retryAfter * 1000 : this.backoff(attempt - 1);
        await this.sleep(wait, signal);
      }
      try {
        return await this.once(method, path, auth, body, signal, peek);
      } catch (err) {
        if (!retryable(err)) throw err;
        last = err;
      }
    }
    throw last;
  }

  async once(method, path, auth, body, signal, peek) {
    const headers = { 'X-Schema-Version': String(this.schemaVersion) };
    if (auth) headers.Authorization = auth;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await this.send(this.baseURL + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal,
    });
    let text;
    try {
      text = peek && res.status === 200 && res.body ? await readPeeking(res.body, peek) : await res.text();
    } catch (err) {
      if (signal?.aborted) throw new SyncError({ code: 'aborted', message: 'sync was aborted' });
      this.online = false;
      throw new SyncError({ code: 'network', message: 'the answer broke off: ' + String(err?.message || err) });
    }
    if (res.status === 200) return text ? JSON.parse(text) : {};
    throw errorOf(res, text);
  }

  // send is fetch that turns no answer into a SyncError "network" (or
  // "aborted") and keeps track of being online.
  async send(url, init) {
    let res;
    try {
      res = await this.fetch(url, init);
    } catch (err) {
      if (init.signal?.aborted) throw new SyncError({ code: 'aborted', message: 'sync was aborted' });
      this.online = false;
      throw new SyncError({ code: 'network', message: String(err?.message || err) });
    }
    this.online = true;
    return res;
  }

  backoff(attempt) {
    const d = this.backoffMs * 2 ** attempt;
    return d / 2 + Math.random() * (d / 2);
  }
}

// PEEK_MAX is how much of an answer's start peek sees at most.
const PEEK_MAX = 4096;

// readPeeking reads a body as text, showing its start to peek as it
// arrives.
async function readPeeking(body, peek) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parts = [];
  let head = '', peeking = true;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const part = decoder.decode(value, { stream: true });
    parts.push(part);
    if (peeking) {
      head += part.slice(0, PEEK_MAX - head.length);
      peeking = !peek(head) && head.length < PEEK_MAX;
    }
  }
  parts.push(decoder.decode());
  return parts.join('');
}

// errorOf reads the protocol's error shape from an answer, or makes one.
export function errorOf(res, text) {
  let e;
  try {
    e = JSON.parse(text);
  } catch {
    e = null;
  }
  if (!e || typeof e.code !== 'string') {
    e = { status: res.status, code: `http_${res.status}`, message: text.slice(0, 200) };
  }
  const retryAfter = Number(res.headers.get('Retry-After')) || 1;
  return new SyncError({ ...e, status: res.status }, retryAfter);
}

function defaultSleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new SyncError({ code: 'aborted', message: 'sync was aborted' }));
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new SyncError({ code: 'aborted', message: 'sync was aborted' }));
    }, { once: true });
  });
}
