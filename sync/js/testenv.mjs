// testenv.mjs: what the Node tests share. js_test.go serves a fresh test
// World and passes, in the environment:
//
//   SAMENSPEL_URL     the server
//   SAMENSPEL_TOKENS  {"BegA": "<PocketBase token>", "BegB", "ClientA", "Coord"}
//   SAMENSPEL_WORLD   {"TeamA": "<id>", "GoalA": "<id>", ...}
//   SAMENSPEL_STORE   memory or dexie: the adapter the tests use
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { SyncClient, MemoryStore, DexieStore } from './index.js';

function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run these tests with go test ./sync/js/`);
  return v;
}

export const baseURL = env('SAMENSPEL_URL');
export const tokens = JSON.parse(env('SAMENSPEL_TOKENS'));
export const world = JSON.parse(env('SAMENSPEL_WORLD'));
export const storeKind = process.env.SAMENSPEL_STORE || 'memory';

let dbs = 0;

// newStore returns an empty store of the kind under test.
export function newStore() {
  return storeKind === 'dexie' ? new DexieStore(Dexie, `test-${process.pid}-${dbs++}`) : new MemoryStore();
}

// reopen returns the store as a reloaded page finds it: the same
// IndexedDB database opened again, or the same MemoryStore.
export function reopen(store) {
  if (!(store instanceof DexieStore)) return store;
  const name = store.db.name;
  store.close();
  return new DexieStore(Dexie, name);
}

// newClient opens a SyncClient on store (a new one if none), with short
// backoffs, registered as person when a person is named.
export async function newClient(person, { store = newStore(), ...options } = {}) {
  const c = new SyncClient({ baseURL, store, backoffMs: 10, maxAttempts: 3, platform: 'test', ...options });
  await c.open();
  if (person) await c.register(tokens[person]);
  return c;
}

// rest calls PocketBase's REST API (or a sync route taking a PocketBase
// token) as token, and returns the decoded answer; a non-2xx throws.
export async function rest(token, method, path, body) {
  const res = await fetch(baseURL + path, {
    method, headers: { Authorization: token, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status < 200 || res.status > 299) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

// login logs in with a password and returns the PocketBase token. Staff
// have a second factor: PocketBase answers the password with 401 and an
// mfaId, and a code by e-mail with the mfaId gives the token. The code
// comes from the Go test's mailbox (internal/servertest, OTPPath).
export async function login(collection, identity, password) {
  const res = await fetch(`${baseURL}/api/collections/${collection}/auth-with-password`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ identity, password }),
  });
  const first = await res.json();
  if (res.ok) return first.token;
  if (res.status !== 401 || !first.mfaId) throw new Error(`log in ${identity}: ${res.status} ${JSON.stringify(first)}`);
  const { otpId } = await rest('', 'POST', `/api/collections/${collection}/request-otp`, { email: identity });
  const mailed = await fetch(`${baseURL}/_test/otp?otpId=${encodeURIComponent(otpId)}`);
  if (!mailed.ok) throw new Error(`no login code was mailed for ${identity}`);
  const r = await rest('', 'POST', `/api/collections/${collection}/auth-with-otp`, { otpId, password: await mailed.text(), mfaId: first.mfaId });
  return r.token;
}

// jpeg is a small valid JPEG (js_test.go encodes it).
export const tinyJPEG = Buffer.from(env('SAMENSPEL_JPEG'), 'base64');

let photos = 0;

// uniqueJPEG is tinyJPEG with a comment segment after its start marker, so
// each photo has its own bytes (a team stores equal bytes once).
export function uniqueJPEG() {
  const note = Buffer.from(`photo ${process.pid} ${photos++}`);
  const com = Buffer.from([0xff, 0xfe, 0, note.length + 2]);
  return new Uint8Array(Buffer.concat([tinyJPEG.subarray(0, 2), com, note, tinyJPEG.subarray(2)]));
}
