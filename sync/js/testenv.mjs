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

// login logs in with a password and returns the PocketBase token.
export async function login(collection, identity, password) {
  const r = await rest('', 'POST', `/api/collections/${collection}/auth-with-password`, { identity, password });
  return r.token;
}

// tinyJPEG is a valid 1x1 JPEG.
export const tinyJPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8QEBEQCgwSExIQEw8QEBD/yQALCAABAAEBAREA/8wABgAQEAX/2gAIAQEAAD8A0s8g/9k=',
  'base64');
