// profile.js: where the browser's first sync spends its time. The pages
// are fetched once (timed: the server, the wire and JSON.parse), then
// written by each way of storing them into a fresh database, the same 10
// transactions of a page each, with nothing else running.
import Dexie from '/_bench/vendor/dexie.mjs';
import { DexieStore } from '/_bench/sync/index.js';

export async function fetchPages(token, limit) {
  const pages = [];
  let cursor = '';
  const t = { fetch: 0, parse: 0 };
  const t0 = performance.now();
  for (;;) {
    let qs = cursor ? 'cursor=' + encodeURIComponent(cursor) : '';
    if (limit) qs += (qs ? '&' : '') + 'limit=' + limit;
    const a = performance.now();
    const res = await fetch('/api/sync/v1/pull' + (qs ? '?' + qs : ''), { headers: { Authorization: 'Bearer ' + token, 'X-Schema-Version': '1' } });
    const text = await res.text();
    const b = performance.now();
    const page = JSON.parse(text);
    const c = performance.now();
    t.fetch += b - a;
    t.parse += c - b;
    pages.push(page);
    if (!page.has_more) break;
    cursor = page.cursor;
  }
  return { pages, ms: performance.now() - t0, ...t };
}

function rawOpen(name, keyPath) {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => req.result.createObjectStore('kv', keyPath ? { keyPath } : undefined);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx) {
  return new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); tx.onabort = () => reject(tx.error); });
}

const ways = {
  async 'dexie-store'(pages, name) { return dexieWay(pages, name); },
  async 'dexie-store-relaxed'(pages, name) { return dexieWay(pages, name, { chromeTransactionDurability: 'relaxed' }); },
  async 'dexie-store-nocache'(pages, name) { return dexieWay(pages, name, { cache: 'disabled' }); },
  async 'idb-compound-inline'(pages, name) {
    const db = await rawOpen(name, ['t', 'k']);
    return timeRaw(db, pages, (s, ch) => s.put({ t: 'records', k: ch.collection + '/' + ch.id, v: ch.record }), (s, inst) => s.put({ t: 'meta', k: 'install', v: inst }));
  },
  async 'idb-string-key'(pages, name) {
    const db = await rawOpen(name);
    return timeRaw(db, pages, (s, ch) => s.put(ch.record, 'records\u0000' + ch.collection + '/' + ch.id), (s, inst) => s.put(inst, 'meta\u0000install'));
  },
  async 'idb-string-key-relaxed'(pages, name) {
    const db = await rawOpen(name);
    return timeRaw(db, pages, (s, ch) => s.put(ch.record, 'records\u0000' + ch.collection + '/' + ch.id), (s, inst) => s.put(inst, 'meta\u0000install'), 'relaxed');
  },
  async 'idb-string-key-json'(pages, name) {
    const db = await rawOpen(name);
    return timeRaw(db, pages, (s, ch) => s.put(JSON.stringify(ch.record), 'records\u0000' + ch.collection + '/' + ch.id), (s, inst) => s.put(inst, 'meta\u0000install'));
  },
  async 'idb-page-a-row'(pages, name) {
    const db = await rawOpen(name);
    let i = 0;
    return timeRawPages(db, pages, (s, page) => s.put(page.changes, 'page\u0000' + i++));
  },
  async 'idb-chunks-by-first-char'(pages, name) {
    const db = await rawOpen(name);
    const t0 = performance.now();
    for (const page of pages) {
      const tx = db.transaction('kv', 'readwrite', { durability: 'default' });
      const s = tx.objectStore('kv');
      const groups = new Map();
      for (const ch of page.changes) {
        const k = 'records\u0000' + ch.collection + '/' + ch.id[0];
        if (!groups.has(k)) groups.set(k, []);
        groups.get(k).push(ch);
      }
      for (const [k, chs] of groups) {
        const req = s.get(k);
        req.onsuccess = () => {
          const chunk = req.result ?? {};
          for (const ch of chs) chunk[ch.id] = ch.record;
          s.put(chunk, k);
        };
      }
      s.put({ cursor: page.cursor }, 'meta\u0000install');
      await done(tx);
    }
    const ms = performance.now() - t0;
    db.close();
    return ms;
  },
  async 'idb-chunks-cached'(pages, name) {
    const db = await rawOpen(name);
    const cache = new Map();
    const t0 = performance.now();
    for (const page of pages) {
      const tx = db.transaction('kv', 'readwrite');
      const s = tx.objectStore('kv');
      const touched = new Set();
      for (const ch of page.changes) {
        const k = 'records\u0000' + ch.collection + '/' + ch.id[0];
        if (!cache.has(k)) cache.set(k, {});
        cache.get(k)[ch.id] = ch.record;
        touched.add(k);
      }
      for (const k of touched) s.put(cache.get(k), k);
      s.put({ cursor: page.cursor }, 'meta\u0000install');
      await done(tx);
    }
    const ms = performance.now() - t0;
    db.close();
    return ms;
  },
  async 'idb-chunks-once-json'(pages, name) { return chunksOnce(pages, name, (ch) => ch.collection + '/' + ch.id[0], JSON.stringify); },
  async 'idb-chunks-once-2char'(pages, name) { return chunksOnce(pages, name, (ch) => ch.collection + '/' + ch.id.slice(0, 2)); },
  async 'idb-collection-once'(pages, name) { return chunksOnce(pages, name, (ch) => ch.collection); },
  async 'idb-collection-once-json'(pages, name) { return chunksOnce(pages, name, (ch) => ch.collection, JSON.stringify); },
  async 'idb-b4-once'(pages, name) { return chunksOnce(pages, name, (ch) => ch.collection + '/' + (ch.id.charCodeAt(0) % 4)); },
  async 'idb-b8-once'(pages, name) { return chunksOnce(pages, name, (ch) => ch.collection + '/' + (ch.id.charCodeAt(0) % 8)); },
  async 'idb-b16-once'(pages, name) { return chunksOnce(pages, name, (ch) => ch.collection + '/' + (ch.id.charCodeAt(0) % 16)); },
  async 'idb-chunks-once'(pages, name) {
    const db = await rawOpen(name);
    const t0 = performance.now();
    const cache = new Map();
    for (const page of pages) {
      for (const ch of page.changes) {
        const k = 'records\u0000' + ch.collection + '/' + ch.id[0];
        if (!cache.has(k)) cache.set(k, {});
        cache.get(k)[ch.id] = ch.record;
      }
    }
    const tx = db.transaction('kv', 'readwrite');
    const s = tx.objectStore('kv');
    for (const [k, v] of cache) s.put(v, k);
    s.put({ cursor: pages.at(-1).cursor }, 'meta\u0000install');
    await done(tx);
    const ms = performance.now() - t0;
    db.close();
    return ms;
  },
  async 'structured-clone-only'(pages) {
    const t0 = performance.now();
    for (const page of pages) for (const ch of page.changes) structuredClone(ch.record);
    return performance.now() - t0;
  },
  async 'structured-clone-page'(pages) {
    const t0 = performance.now();
    for (const page of pages) structuredClone(page.changes);
    return performance.now() - t0;
  },
};

async function chunksOnce(pages, name, keyOf, encode = (v) => v) {
  const db = await rawOpen(name);
  const t0 = performance.now();
  const cache = new Map();
  for (const page of pages) {
    for (const ch of page.changes) {
      const k = 'records\u0000' + keyOf(ch);
      if (!cache.has(k)) cache.set(k, {});
      cache.get(k)[ch.id] = ch.record;
    }
  }
  const tx = db.transaction('kv', 'readwrite');
  const s = tx.objectStore('kv');
  for (const [k, v] of cache) s.put(encode(v), k);
  s.put({ cursor: pages.at(-1).cursor }, 'meta\u0000install');
  await done(tx);
  const ms = performance.now() - t0;
  // Reads: 50 records one by one (a transaction each), and the biggest
  // collection whole.
  const some = pages[0].changes.slice(0, 50);
  const t1 = performance.now();
  for (const ch of some) {
    const tx = db.transaction('kv', 'readonly');
    const req = tx.objectStore('kv').get('records\u0000' + keyOf(ch));
    await new Promise((resolve) => { req.onsuccess = resolve; });
  }
  const get = (performance.now() - t1) / some.length;
  const t2 = performance.now();
  const lo = 'records\u0000' + 'observations', range = IDBKeyRange.bound(lo, lo + '\uffff');
  const req = db.transaction('kv', 'readonly').objectStore('kv').getAll(range);
  await new Promise((resolve) => { req.onsuccess = resolve; });
  const list = performance.now() - t2;
  db.close();
  return { ms, get, list, rows: cache.size };
}

async function dexieWay(pages, name, options) {
  const store = new DexieStore(Dexie, name, options);
  await store.get('meta', 'install');
  const t0 = performance.now();
  for (const page of pages) {
    const ops = [];
    for (const ch of page.changes) ops.push({ op: 'put', table: 'records', key: ch.collection + '/' + ch.id, value: ch.record });
    ops.push({ op: 'put', table: 'meta', key: 'install', value: { cursor: page.cursor } });
    await store.batch(ops);
  }
  const ms = performance.now() - t0;
  store.close();
  return ms;
}

async function timeRaw(db, pages, putOne, putMeta, durability = 'default') {
  const t0 = performance.now();
  for (const page of pages) {
    const tx = db.transaction('kv', 'readwrite', { durability });
    const s = tx.objectStore('kv');
    for (const ch of page.changes) putOne(s, ch);
    putMeta(s, { cursor: page.cursor });
    await done(tx);
  }
  const ms = performance.now() - t0;
  db.close();
  return ms;
}

async function timeRawPages(db, pages, putPage) {
  const t0 = performance.now();
  for (const page of pages) {
    const tx = db.transaction('kv', 'readwrite');
    putPage(tx.objectStore('kv'), page);
    await done(tx);
  }
  const ms = performance.now() - t0;
  db.close();
  return ms;
}

// profile fetches the pages (limit: the page size asked for, 0 for the
// server's default) and times each way of storing them, rounds times.
export async function profile({ token, limit = 0, rounds = 3, only }) {
  const fetched = [];
  let pages;
  for (let r = 0; r < rounds; r++) {
    const f = await fetchPages(token, limit);
    pages = f.pages;
    fetched.push({ ms: f.ms, fetch: f.fetch, parse: f.parse });
  }
  const out = { pages: pages.length, records: pages.reduce((n, p) => n + p.changes.length, 0), bytes: JSON.stringify(pages).length, fetched, ways: {} };
  for (const [name, way] of Object.entries(ways)) {
    if (only && !only.includes(name)) continue;
    out.ways[name] = [];
    for (let r = 0; r < rounds; r++) {
      const db = `profile-${name}-${r}-${Date.now()}`;
      out.ways[name].push(await way(pages, db));
      await new Promise((resolve) => { const q = indexedDB.deleteDatabase(db); q.onsuccess = q.onerror = q.onblocked = resolve; });
    }
  }
  return out;
}
