// photos.test.mjs: the photo queue against a real server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newClient, newStore, reopen, world, uniqueJPEG } from './testenv.mjs';

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
  const id = await a.addPhoto(world.ObsA, new Blob([uniqueJPEG()], { type: 'image/jpeg' }));
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
  const id = await a.addPhoto(world.ObsA, uniqueJPEG(), { contentType: 'image/jpeg' });
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

test('photos(observation): queued ones on the device, then stored ones on every device, oldest first', async () => {
  let now = Date.parse('2026-05-01T10:00:00Z');
  const a = await newClient('BegA', { now: () => now++ });
  const obs = await a.create('observations', { safari: world.SafariA, kind: 'facility', title: 'Met foto\'s', author_user: world.BegA });
  const first = await a.addPhoto(obs, uniqueJPEG(), { contentType: 'image/jpeg' });
  const second = await a.addPhoto(obs, new Blob([uniqueJPEG()], { type: 'image/jpeg' }));
  const refused = await a.addPhoto(obs, new Uint8Array([1, 2, 3]), { contentType: 'image/heic' });
  const other = await a.addPhoto(world.ObsA, uniqueJPEG(), { contentType: 'image/jpeg' });
  const brief = (list) => list.map((p) => [p.id, p.state, p.local]);
  assert.deepEqual(brief(await a.photos(obs)), [[first, 'queued', true], [second, 'queued', true], [refused, 'queued', true]]);
  const [p] = await a.photos(obs);
  assert.equal(p.observation, obs);
  assert.equal(p.content_type, 'image/jpeg');
  assert.ok(p.size > 0);

  const st = await a.sync();
  assert.equal(st.pendingPhotos, 0, JSON.stringify(st.lastError));
  const after = await a.photos(obs);
  assert.deepEqual(new Set(brief(after).map(JSON.stringify)), new Set([[first, 'stored', false], [second, 'stored', false], [refused, 'refused', true]].map(JSON.stringify)));
  assert.ok(!after.some((x) => x.id === other));

  const b = await newClient('BegA');
  await b.sync();
  assert.deepEqual(new Set((await b.photos(obs)).map((x) => `${x.id} ${x.state} ${x.local}`)), new Set([`${first} stored false`, `${second} stored false`]));
  assert.deepEqual(await b.photos('nothing00000000'), []);
});
