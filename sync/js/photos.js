// photos.js: the photo queue. A photo gets its media id once, when it is
// taken, and keeps it: every attempt announces that id with the same
// sha256 and size (idempotent, and a fresh upload URL), sends the whole
// file, and completes. Uploads are not resumable; a photo is a few MB.

import { newId, sha256Hex } from './ids.js';
import { SyncError, isCode, retryable } from './errors.js';
import { errorOf } from './http.js';
import { viewAll } from './view.js';

// addPhoto queues a photo for an observation and returns its media id.
export async function addPhoto(client, observationId, blob, { contentType } = {}) {
  const bytes = await toBytes(blob);
  const photo = {
    id: newId(), observation: observationId, sha256: await sha256Hex(bytes), size: bytes.byteLength,
    content_type: contentType || blob.type || 'image/jpeg', state: 'queued', added_at: client.now(), bytes,
  };
  await client.exclusive(() => client.store.put('photos', photo.id, photo));
  return photo.id;
}

// photosOf lists the photos of an observation: its media records (other
// devices' photos too) and the photos queued or refused on this device,
// each once, oldest first, as {id, observation, content_type, size,
// state, local}. state is 'queued' (waiting on this device), 'refused'
// (see status().refused), 'pending' (announced, its bytes not yet on the
// server) or 'stored'; local says the bytes are on this device.
export async function photosOf(client, observationId) {
  const byId = new Map();
  for (const m of await viewAll(client.store, 'media')) {
    if (m.observation !== observationId) continue;
    byId.set(m.id, {
      id: m.id, observation: m.observation, content_type: m.content_type ?? '', size: m.size ?? 0,
      state: m.status === 'stored' ? 'stored' : 'pending', local: false, created: m.created ?? '',
    });
  }
  for (const [id, p] of await client.store.all('photos')) {
    if (p.observation !== observationId) continue;
    const known = byId.get(id);
    byId.set(id, {
      id, observation: p.observation, content_type: p.content_type, size: p.size,
      state: p.state, local: Boolean(p.bytes),
      created: known?.created || (p.added_at ? pbTime(p.added_at) : ''),
    });
  }
  return [...byId.values()]
    .sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : a.id < b.id ? -1 : 1))
    .map(({ created, ...p }) => p);
}

// pbTime writes a time as PocketBase does (2026-05-01 10:00:00.000Z), so
// it sorts with records' created.
function pbTime(ms) {
  return new Date(ms).toISOString().replace('T', ' ');
}

// uploadPhotos sends every queued photo. A failure that may pass (no
// signal, 5xx) stops here and keeps the photo queued; a refusal (415, 413,
// 403, 404) moves it to refused, bytes kept on the device.
export async function uploadPhotos(client, signal) {
  for (const [id, p] of await client.store.all('photos')) {
    if (p.state !== 'queued') continue;
    try {
      await uploadOne(client, p, signal);
    } catch (err) {
      if (!(err instanceof SyncError) || retryable(err) || err.code === 'aborted' || isAuthError(err)) throw err;
      await client.exclusive(async () => {
        await client.store.put('photos', id, { ...p, state: 'refused' });
        await client.store.put('refused', 'photo:' + id, {
          mutation_id: 'photo:' + id, collection: 'media', id, op: 'create', data: metadata(p), error: err.plain(),
        });
      });
    }
  }
}

async function uploadOne(client, p, signal) {
  const announce = { id: p.id, observation: p.observation, sha256: p.sha256, size: p.size, content_type: p.content_type };
  for (let round = 0; round < 2; round++) {
    const ann = await client.call('POST', '/api/sync/v1/media', announce, signal);
    if (ann.status !== 'stored') {
      const up = ann.upload;
      const res = await client.transport.send(up.url, { method: up.method, headers: up.headers ?? {}, body: p.bytes, signal });
      const text = await res.text();
      if (res.status < 200 || res.status > 299) throw errorOf(res, text);
      try {
        await client.call('POST', `/api/sync/v1/media/${p.id}/complete`, undefined, signal);
      } catch (err) {
        // The bytes did not arrive: announce again and send them again.
        if (isCode(err, 'invalid_request') && err.data?.upload === 'missing') continue;
        throw err;
      }
    }
    await client.exclusive(() => client.store.put('photos', p.id, { ...metadata(p), state: 'stored' }));
    return;
  }
  throw new SyncError({ code: 'network', message: `photo ${p.id}: the upload did not arrive twice; trying again next sync` });
}

// metadata is a photo without its bytes, as exports show it.
export function metadata(p) {
  const { bytes, ...rest } = p;
  return rest;
}

function isAuthError(err) {
  return err.status === 401 || err.status === 426;
}

async function toBytes(blob) {
  if (blob instanceof Uint8Array) return blob;
  if (blob instanceof ArrayBuffer) return new Uint8Array(blob);
  return new Uint8Array(await blob.arrayBuffer());
}
