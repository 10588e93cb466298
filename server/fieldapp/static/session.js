// Who is logged in on this phone, and the one sync client the screens
// share. The person's PocketBase token is never kept: login.js hands it to
// the sync client, which trades it for a device token.
import { Dexie } from './vendor/dexie.js';
import { SyncClient, DexieStore } from './sync/index.js';

const KEY = 'samenspel.person';
export const APP_VERSION = '1';
export const SCHEMA_VERSION = 1;

export function person() {
  try {
    return JSON.parse(localStorage.getItem(KEY) || 'null');
  } catch {
    return null;
  }
}

export function remember(p) {
  localStorage.setItem(KEY, JSON.stringify(p));
}

export function forget() {
  localStorage.removeItem(KEY);
}

let client = null;
let revoked = () => {};

// syncClient opens the phone's store once. onRevoked (the latest given)
// runs when the server says this phone may no longer sync.
export async function syncClient(onRevoked) {
  if (onRevoked) revoked = onRevoked;
  if (client) return client;
  const c = new SyncClient({
    baseURL: location.origin,
    store: new DexieStore(Dexie, 'samenspel'),
    appVersion: APP_VERSION,
    schemaVersion: SCHEMA_VERSION,
    onRevoked: (exported) => revoked(exported),
  });
  await c.open();
  client = c;
  return c;
}
