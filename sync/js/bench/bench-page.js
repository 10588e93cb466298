// bench-page.js: what the browser benchmark (bench_test.go, through
// driver.mjs) runs inside the page: SyncClient over DexieStore over
// IndexedDB, as the field app uses it. Besides the total, it sums the time
// spent waiting for the server (fetch until the answer's headers: the
// server's work and the wire) and in store writes (batch and put); the two
// overlap, since the client asks for the next page while it writes one.
import { SyncClient, DexieStore } from '/_bench/sync/index.js';
import Dexie from '/_bench/vendor/dexie.mjs';
import { profile } from '/_bench/profile.js';

let client = null, store = null, dbName = null;
const t = { fetch: 0, store: 0, requests: 0 };

let t00 = 0;
const timeline = [];
const mark = (what) => timeline.push([what, Math.round(performance.now() - t00)]);

function timedFetch(url, init) {
  const t0 = performance.now();
  t.requests++;
  const path = new URL(url, location.href).pathname.replace('/api/sync/v1/', '');
  mark('>' + path);
  return fetch(url, init).then((res) => {
    mark('<' + path);
    const text = res.text.bind(res);
    res.text = () => text().then((s) => { mark('body ' + path); return s; });
    return res;
  }).finally(() => { t.fetch += performance.now() - t0; });
}

function timeStore(s) {
  for (const name of ['batch', 'put']) {
    const orig = s[name].bind(s);
    s[name] = async (...args) => {
      const t0 = performance.now();
      mark('>' + name);
      try {
        return await orig(...args);
      } finally {
        t.store += performance.now() - t0;
        mark('<' + name);
      }
    };
  }
  return s;
}

function since(t0) {
  return { ms: performance.now() - t0, fetchMs: t.fetch, storeMs: t.store, requests: t.requests };
}

window.bench = {
  // prepare makes a fresh IndexedDB database and registers a new device
  // in it (not timed); the previous database is deleted.
  async prepare({ token, db, dexieOptions, pullLimit = 0 }) {
    if (store) {
      store.close();
      await Dexie.delete(dbName);
    }
    dbName = db;
    store = timeStore(new DexieStore(Dexie, db, dexieOptions));
    client = new SyncClient({ store, fetch: timedFetch, appVersion: 'bench', platform: 'bench', pullLimit });
    await client.open();
    await client.register(token);
    return { deviceId: client.deviceId };
  },

  // sync runs n syncs one after the other and returns the time they took.
  async sync(n = 1) {
    Object.assign(t, { fetch: 0, store: 0, requests: 0 });
    const t0 = performance.now();
    t00 = t0;
    timeline.length = 0;
    let st;
    for (let i = 0; i < n; i++) st = await client.sync();
    mark('end');
    const r = { ...since(t0), timeline: timeline.slice(0, 200) };
    if (st.lastError) throw new Error('sync: ' + JSON.stringify(st.lastError));
    return r;
  },

  // profile times the parts of a first sync apart (profile.js), with
  // the token of the device prepare registered.
  profile(arg) {
    return profile({ ...arg, token: client.install.token });
  },

  // count is how many synced records the store holds.
  // (records.js keeps them in chunks, {id: record} a row).
  async count() {
    let n = 0;
    for (const [, chunk] of await store.all('records')) n += Object.keys(chunk).length;
    return n;
  },
};
window.benchReady = true;
