// photos.test.mjs: the photo queue against a real server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newClient, newStore, reopen, world, tinyJPEG } from './testenv.mjs';

test('an upload cut off is announced again with the same id and sent whole', async () => {
  const store = newStore();
  const seen = [];
  let cutUpload = true;
  const fetchCut = async (url, init = {}) => {
    seen.push(`${init.method ?? 'GET'} ${new URL(url).pathname}${init.body && url.includes('/media') ? ' ' + init.body : ''}`);
    if (init.method === 'PUT' && cutUpload) {
      cutUpload = false;
      throw new TypeError('network connection lost');
    }
    return fetch(url, init);
  };
  const a = await newClient('BegA', { store, fetch: fetchCut, maxAttempts: 1 });
  const id = await a.addPhoto(world.ObsA, new Blob([tinyJPEG], { type: 'image/jpeg' }));
  assert.match(id, /^[a-z0-9]{15}$/);
  assert.match(await a.photoURL(id), /^blob:/);
  let st = await a.sync();
  assert.equal(st.pendingPhotos, 1);

  const b = await newClient(null, { store: reopen(store), fetch: fetchCut });
  st = await b.sync();
  assert.equal(st.pendingPhotos, 0, JSON.stringify(st.lastError));
  const announces = seen.filter((s) => s.startsWith('POST /api/sync/v1/media '));
  assert.equal(announces.length, 2);
  assert.equal(announces[0], announces[1], 'same id, sha256 and size');
  assert.equal(await b.photoURL(id), `${b.baseURL}/api/sync/v1/media/${id}/content`);
  const media = await b.get('media', id);
  assert.equal(media.status, 'stored');
  assert.ok((await b.photoBlob(id)).size > 0);
});

test('an upload that never arrived: complete says upload missing, the client sends it again', async () => {
  let fakeUpload = true;
  const puts = [];
  const a = await newClient('BegA', {
    fetch: async (url, init = {}) => {
      if (init.method === 'PUT') {
        puts.push(url);
        if (fakeUpload) {
          fakeUpload = false;
          return new Response('', { status: 200 }); // a proxy said yes; the bytes went nowhere
        }
      }
      return fetch(url, init);
    },
  });
  const id = await a.addPhoto(world.ObsA, tinyJPEG, { contentType: 'image/jpeg' });
  const st = await a.sync();
  assert.equal(st.pendingPhotos, 0, JSON.stringify(st.lastError));
  assert.equal(puts.length, 2);
  assert.equal((await a.get('media', id)).status, 'stored');
});

test('a photo the server refuses (not JPEG or PNG) moves to refused, bytes kept', async () => {
  const a = await newClient('BegA');
  const id = await a.addPhoto(world.ObsA, new Uint8Array([1, 2, 3]), { contentType: 'image/heic' });
  const st = await a.sync();
  assert.equal(st.pendingPhotos, 0);
  assert.equal(st.refused.length, 1);
  assert.equal(st.refused[0].error.code, 'unsupported_media_type');
  assert.match(await a.photoURL(id), /^blob:/);
});
