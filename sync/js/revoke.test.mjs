// revoke.test.mjs: a revoked device hands over its work and wipes; a
// begeleider who leaves a team drops it.
import { test } from 'node:test';
import { changeKey, recordWrites } from './records.js';
import assert from 'node:assert/strict';
import { newClient, rest, tokens, world, uniqueJPEG } from './testenv.mjs';

test('revoked: onRevoked gets the export, then everything is wiped', async () => {
  let exported = null;
  const a = await newClient('BegA', { onRevoked: async (json) => { exported = JSON.parse(json); } });
  await a.sync();
  const oldDevice = a.deviceId;
  await a.create('observations', { safari: world.SafariA, kind: 'facility', title: 'Niet verloren', author_user: world.BegA });
  await a.addPhoto(world.ObsA, uniqueJPEG(), { contentType: 'image/jpeg' });
  await rest(tokens.Coord, 'POST', `/api/sync/v1/devices/${oldDevice}/revoke`);
  const st = await a.sync();
  assert.equal(st.revoked, true);
  assert.equal(exported.device_id, oldDevice);
  assert.deepEqual(exported.person, { collection: 'users', id: world.BegA });
  assert.equal(exported.outbox[0].data.title, 'Niet verloren');
  assert.equal(exported.photos.length, 1);
  assert.equal(exported.photos[0].bytes, undefined);
  assert.equal(st.pendingChanges, 0);
  assert.equal(st.pendingPhotos, 0);
  assert.deepEqual(await a.list('goals'), []);
  assert.equal(a.install.token, null);
  assert.notEqual(a.deviceId, oldDevice);
});

test('leaving a team drops its records; rejoining brings them back', async () => {
  const a = await newClient('BegA', { pullLimit: 2 });
  await a.sync();
  assert.ok(await a.get('goals', world.GoalA));
  assert.ok(await a.get('safaris', world.SafariA));
  const id = await a.create('observations', { safari: world.SafariA, kind: 'facility', title: 'Offline', author_user: world.BegA });
  await rest(tokens.Coord, 'PATCH', `/api/collections/users/records/${world.BegA}`, { teams: [] });
  const st = await a.sync();
  assert.equal(await a.get('goals', world.GoalA), null);
  assert.equal(await a.get('safaris', world.SafariA), null);
  assert.equal(st.refused.length, 1, 'the offline write met a team it left');
  assert.equal(st.refused[0].id, id);
  await rest(tokens.Coord, 'PATCH', `/api/collections/users/records/${world.BegA}`, { teams: [world.TeamA] });
  await a.sync();
  assert.ok(await a.get('goals', world.GoalA));
});

test('reset: a pull without cursor drops synced records, keeps the outbox', async () => {
  const a = await newClient('BegA');
  await a.sync();
  await a.store.batch(await recordWrites(a.store, new Map([[changeKey('goals', 'zzzzzzzzzzzzzzz'), { id: 'zzzzzzzzzzzzzzz', title: 'weg' }]])));
  const id = await a.create('observations', { safari: world.SafariA, kind: 'facility', title: 'Blijft', author_user: world.BegA });
  await a.saveInstall({ ...a.install, cursor: '' });
  a.transport.fetch = async (url, init) => (url.includes('/push') ? Promise.reject(new TypeError('offline')) : fetch(url, init));
  a.transport.maxAttempts = 1;
  await a.sync(); // the push fails, so no pull either
  assert.ok(await a.get('goals', 'zzzzzzzzzzzzzzz'));
  const { pull } = await import('./pull.js');
  await pull(a);
  assert.equal(await a.get('goals', 'zzzzzzzzzzzzzzz'), null);
  assert.equal((await a.get('observations', id)).title, 'Blijft');
});
