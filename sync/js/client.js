// client.js: SyncClient, one installation of the field app. It keeps
// everything in a storage adapter (see README.md), written before a
// promise resolves, so a reload or a crash loses nothing: the outbox, the
// photo queue, the cursor and the counter of mutation ids.

import { newDeviceId, newId, randomString } from './ids.js';
import { SyncError, isCode } from './errors.js';
import { Transport } from './http.js';
import { enqueue, push, versionOf } from './outbox.js';
import { pull } from './pull.js';
import { addPhoto, metadata, photosOf, uploadPhotos } from './photos.js';
import { viewAll, viewOne } from './view.js';
import { LAYOUT, getRecord } from './records.js';

export class SyncClient {
  constructor({
    baseURL = '', store, fetch = globalThis.fetch, appVersion = '0', schemaVersion = 1, platform = 'web',
    now = () => Date.now(), onRevoked = async () => {},
    maxBatch = 500, pullLimit = 1000, pullFlush = 5000, maxAttempts = 5, backoffMs = 500, sleep,
  }) {
    if (!store) throw new TypeError('SyncClient needs a store');
    this.store = store;
    this.baseURL = baseURL.replace(/\/$/, '');
    this.appVersion = appVersion;
    this.schemaVersion = schemaVersion;
    this.platform = platform;
    this.now = now;
    this.onRevoked = onRevoked;
    this.maxBatch = maxBatch;
    this.pullLimit = pullLimit;
    this.pullFlush = pullFlush;
    this.transport = new Transport({ baseURL: this.baseURL, fetch: (...a) => fetch(...a), schemaVersion, maxAttempts, backoffMs, sleep });
    this.install = null;
    this.flags = { syncing: false, upgradeRequired: false, revoked: false, needsLogin: false, lastError: null };
    this.counts = { pendingChanges: 0, pendingPhotos: 0, refused: [], conflicts: [] };
    this.subscribers = new Set();
    this.lock = Promise.resolve();
    this.objectURLs = new Map();
    this.running = null;
  }

  // open loads the installation from the store, or makes one.
  async open() {
    this.install = (await this.store.get('meta', 'install')) ?? null;
    if (!this.install) await this.saveInstall(freshInstall());
    if (this.install.records !== LAYOUT) {
      // Synced records kept one a row (before chunks): drop them and pull
      // everything again; the outbox stays.
      const inst = { ...this.install, cursor: '', records: LAYOUT };
      await this.store.batch([{ op: 'clear', table: 'records' }, { op: 'put', table: 'meta', key: 'install', value: inst }]);
      this.install = inst;
    }
    await this.refresh();
    return this;
  }

  get deviceId() { return this.install?.deviceId ?? null; }
  get person() { return this.install?.person ?? null; }

  // register registers this installation's device id with a PocketBase
  // auth token and keeps the device token. The same device id is used
  // again after a 401 (a new login); a device id that is someone else's
  // (403 data.device_id) is replaced by a new random one, once. Errors are
  // SyncErrors; device_revoked wipes first (as on every call).
  async register(pocketBaseAuthToken) {
    for (let attempt = 0; ; attempt++) {
      const body = { device_id: this.install.deviceId, platform: this.platform, app_version: this.appVersion, schema_version: this.schemaVersion };
      let res;
      try {
        res = await this.transport.json('POST', '/api/sync/v1/devices', { auth: pocketBaseAuthToken, body });
      } catch (err) {
        if (attempt === 0 && err.status === 403 && err.data?.device_id) {
          await this.exclusive(() => this.saveInstall({ ...this.install, deviceId: newDeviceId() }));
          continue;
        }
        await this.noteError(err);
        throw err;
      }
      const person = personOf(res.token);
      if (this.install.person && person && (this.install.person.id !== person.id || this.install.person.collection !== person.collection)) {
        throw new SyncError({ code: 'person_changed', message: 'another person\'s data is on this device: export and wipe it first' });
      }
      await this.exclusive(() => this.saveInstall({ ...this.install, token: res.token, person, tokenExpiresAt: res.expires_at }));
      this.flags.needsLogin = false;
      this.flags.upgradeRequired = false;
      this.emit();
      return person;
    }
  }

  // sync pushes the outbox, sends the photo queue, then pulls until up to
  // date, and returns the status. It does not throw for what the server or
  // the network answers: status() says what happened (lastError, needsLogin,
  // upgradeRequired, revoked). One sync runs at a time; a second call while
  // one runs waits for it.
  async sync({ signal } = {}) {
    if (this.running) return this.running;
    this.running = this.runSync(signal).finally(() => { this.running = null; });
    return this.running;
  }

  async runSync(signal) {
    this.flags.syncing = true;
    this.flags.lastError = null;
    this.emit();
    try {
      if (!this.install.token) throw new SyncError({ status: 401, code: 'unauthorized', message: 'register the device first' });
      await push(this, signal);
      let photoErr = null;
      try {
        await uploadPhotos(this, signal);
      } catch (err) {
        if (!(err instanceof SyncError) || err.status === 401 || err.status === 426 || err.code === 'aborted') throw err;
        photoErr = err; // a photo that could not go now does not keep the records from coming
      }
      const replayed = this.install.replayed ?? 0;
      await pull(this, signal);
      if ((this.install.replayed ?? 0) > replayed) {
        // The pull showed a restore and queued acknowledged mutations
        // again: send them now, and take the result.
        await push(this, signal);
        await pull(this, signal);
      }
      await this.exclusive(() => this.saveInstall({ ...this.install, lastSyncedAt: this.now() }));
      if (photoErr) this.flags.lastError = photoErr.plain();
    } catch (err) {
      if (!(err instanceof SyncError)) throw err;
      await this.noteError(err);
    } finally {
      this.flags.syncing = false;
      await this.refresh();
    }
    return this.status();
  }

  // noteError keeps what an error means for the app in the status.
  async noteError(err) {
    if (!(err instanceof SyncError)) return;
    this.flags.lastError = err.plain();
    if (err.code === 'device_revoked') await this.revoked();
    else if (err.code === 'upgrade_required') this.flags.upgradeRequired = true;
    else if (err.code === 'unauthorized') this.flags.needsLogin = true;
  }

  // revoked hands the unpushed work to onRevoked, then wipes.
  async revoked() {
    const exported = await this.exportUnpushed();
    try {
      await this.onRevoked(exported);
    } finally {
      await this.wipe({ newDevice: true });
      this.flags.revoked = true;
      this.emit();
    }
  }

  // call is an authenticated sync API request.
  call(method, path, body, signal, peek) {
    return this.transport.json(method, path, { auth: 'Bearer ' + (this.install.token ?? ''), body, signal, peek });
  }

  async list(collection, filter = () => true) {
    return (await viewAll(this.store, collection)).filter(filter);
  }

  async get(collection, id) {
    return viewOne(this.store, collection, id);
  }

  async create(collection, data) {
    const id = data.id || newId();
    const { id: _, ...rest } = data;
    await this.exclusive(() => enqueue(this, { collection, id, op: 'create', data: rest }));
    await this.refresh();
    return id;
  }

  // update queues changes with base: the values the person sees now (their
  // own unpushed edits included), and base_version: the version last synced.
  async update(collection, id, changes) {
    await this.exclusive(async () => {
      const seen = await viewOne(this.store, collection, id);
      if (!seen) throw new SyncError({ status: 404, code: 'not_found', message: `no ${collection} ${id} on this device` });
      const base = {};
      for (const k of Object.keys(changes)) base[k] = k in seen ? seen[k] : null;
      const base_version = await versionOf(this.store, collection, id);
      await enqueue(this, { collection, id, op: 'update', base_version, data: { ...changes }, base });
    });
    await this.refresh();
  }

  async remove(collection, id) {
    await this.exclusive(async () => {
      const base_version = await versionOf(this.store, collection, id);
      await enqueue(this, { collection, id, op: 'delete', base_version });
    });
    await this.refresh();
  }

  async addPhoto(observationId, blob, options = {}) {
    const id = await addPhoto(this, observationId, blob, options);
    await this.refresh();
    return id;
  }

  // photos lists an observation's photos, stored and still on this device
  // (photos.js, photosOf).
  async photos(observationId) {
    return photosOf(this, observationId);
  }

  // photoURL is an object URL for a photo not yet uploaded (revoked by
  // wipe), the content path for a stored one (fetch it with photoBlob: it
  // needs the device token), or null.
  async photoURL(mediaId) {
    const p = await this.store.get('photos', mediaId);
    if (p?.bytes) {
      if (!this.objectURLs.has(mediaId)) {
        this.objectURLs.set(mediaId, URL.createObjectURL(new Blob([p.bytes], { type: p.content_type })));
      }
      return this.objectURLs.get(mediaId);
    }
    const rec = await getRecord(this.store, 'media', mediaId);
    if (p?.state === 'stored' || rec?.status === 'stored') return `${this.baseURL}/api/sync/v1/media/${mediaId}/content`;
    return null;
  }

  // photoBlob fetches a stored photo with the device token (an addition to
  // the contract: an <img> cannot send the token itself).
  async photoBlob(mediaId) {
    const res = await this.transport.send(`${this.baseURL}/api/sync/v1/media/${mediaId}/content`, {
      headers: { Authorization: 'Bearer ' + this.install.token },
    });
    if (res.status !== 200) return null;
    return res.blob();
  }

  status() {
    return {
      online: this.transport.online !== false,
      syncing: this.flags.syncing,
      pendingChanges: this.counts.pendingChanges,
      pendingPhotos: this.counts.pendingPhotos,
      lastSyncedAt: this.install?.lastSyncedAt ?? null,
      refused: this.counts.refused,
      conflicts: this.counts.conflicts,
      upgradeRequired: this.flags.upgradeRequired,
      revoked: this.flags.revoked,
      needsLogin: this.flags.needsLogin,
      lastError: this.flags.lastError,
    };
  }

  subscribe(fn) {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  async dismissRefused(mutationId) {
    await this.exclusive(async () => {
      await this.store.delete('refused', mutationId);
      if (mutationId.startsWith('photo:')) await this.store.delete('photos', mutationId.slice(6));
    });
    await this.refresh();
  }

  // dismissConflict removes a conflict from status.conflicts (an addition
  // to the contract; the server keeps it in sync_conflicts).
  async dismissConflict(mutationId) {
    await this.exclusive(() => this.store.delete('conflicts', mutationId));
    await this.refresh();
  }

  async exportUnpushed() {
    const rows = async (t) => (await this.store.all(t)).map(([, v]) => v);
    return JSON.stringify({
      kind: 'samenspel-unpushed',
      exported_at: new Date(this.now()).toISOString(),
      device_id: this.install.deviceId,
      install_id: this.install.installId,
      person: this.install.person ?? null,
      outbox: await rows('outbox'),
      refused: await rows('refused'),
      conflicts: await rows('conflicts'),
      photos: (await rows('photos')).filter((p) => p.state !== 'stored').map(metadata),
    }, null, 2);
  }

  // wipe deletes every local record, queue and token (a log-out). The
  // device keeps its id, so logging in again registers the same device
  // rather than one more (a person may have only a few active devices);
  // mutation ids stay unique because the installation id changes. After a
  // revocation ({newDevice: true}) the device takes a new id: a revoked
  // one stays revoked. Another person logging in on this device gets a new
  // id from register() (the old one belongs to the first person).
  async wipe({ newDevice = false } = {}) {
    await this.exclusive(async () => {
      const keep = newDevice ? undefined : this.install?.deviceId;
      await this.store.clear();
      await this.saveInstall(freshInstall(keep));
    });
    for (const url of this.objectURLs.values()) URL.revokeObjectURL(url);
    this.objectURLs.clear();
    await this.refresh();
  }

  // saveInstall writes the installation record, then uses it.
  async saveInstall(inst) {
    await this.store.put('meta', 'install', inst);
    this.install = inst;
  }

  // exclusive runs fn after every earlier exclusive fn: local writes and
  // the application of server answers never interleave.
  exclusive(fn) {
    const run = this.lock.then(fn);
    this.lock = run.catch(() => {});
    return run;
  }

  // refresh recounts what status() shows and tells the subscribers.
  async refresh() {
    const rows = async (t) => (await this.store.all(t)).map(([, v]) => v);
    const photos = await rows('photos');
    this.counts = {
      pendingChanges: (await this.store.all('outbox')).length,
      pendingPhotos: photos.filter((p) => p.state === 'queued').length,
      refused: await rows('refused'),
      conflicts: await rows('conflicts'),
    };
    this.emit();
  }

  emit() {
    const s = this.status();
    for (const fn of this.subscribers) {
      try {
        fn(s);
      } catch (err) {
        console.error('sync subscriber:', err);
      }
    }
  }
}

function freshInstall(deviceId = newDeviceId()) {
  return { installId: randomString(8), deviceId, counter: 0, token: null, person: null, cursor: '', lastSyncedAt: null, records: LAYOUT };
}

// personOf reads the person from a device token (a JWT: sub and col).
function personOf(token) {
  try {
    const b64 = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)));
    return { collection: claims.col, id: claims.sub };
  } catch {
    return null;
  }
}
