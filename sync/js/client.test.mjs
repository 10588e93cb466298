// client.test.mjs: registering, the outbox and its round trip, bases,
// reloads and replays, 413 splitting, conflicts and refusals, against a
// real server (see testenv.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newClient, newStore, reopen, rest, login, tokens, world } from './testenv.mjs';

test('register, then register again: same device, fresh token, person known', async () => {
  const c = await newClient('BegA');
  assert.deepEqual(c.person, { collection: 'users', id: world.BegA });
  const id = c.deviceId, tok = c.install.token;
  await c.register(tokens.BegA);
  assert.equal(c.deviceId, id);
  assert.ok(c.install.token);
  assert.equal(typeof tok, 'string');
});

test('log out and in again: the same device, no new one; its old mutation ids are not reused', async () => {
  const c = await newClient('BegA');
  const id = c.deviceId;
  await c.create('goals', { client: world.ClientA, title: 'Voor het uitloggen', life_domain: 'living', status: 'idea' });
  await c.sync();
  const before = c.install.installId;
  await c.wipe();
  assert.equal(c.deviceId, id);
  assert.notEqual(c.install.installId, before);
  assert.equal(c.person, null);
  await c.register(tokens.BegA);
  assert.equal(c.deviceId, id);
  const goal = await c.create('goals', { client: world.ClientA, title: 'Na het inloggen', life_domain: 'living', status: 'idea' });
  const st = await c.sync();
  assert.equal(st.refused.length, 0, JSON.stringify(st.refused));
  assert.equal((await c.get('goals', goal)).title, 'Na het inloggen');
  const devices = await rest(tokens.BegA, 'GET', `/api/collections/sync_devices/records?filter=${encodeURIComponent(`device_id="${id}"`)}`);
  assert.equal(devices.totalItems, 1);
});

test('a device id in use by someone else: a new device id, registered', async () => {
  const a = await newClient('BegA');
  const store = newStore();
  const b = await newClient(null, { store });
  await b.saveInstall({ ...b.install, deviceId: a.deviceId });
  await b.register(tokens.BegB);
  assert.notEqual(b.deviceId, a.deviceId);
  assert.deepEqual(b.person, { collection: 'users', id: world.BegB });
});

test('create, update, delete: another device sees each', async () => {
  const a = await newClient('BegA');
  const b = await newClient('BegA');
  await a.sync();
  await b.sync();
  const id = await a.create('goals', { client: world.ClientA, title: 'Fietsen', life_domain: 'living', status: 'idea' });
  assert.match(id, /^[a-z0-9]{15}$/);
  assert.equal((await a.get('goals', id)).title, 'Fietsen');
  assert.equal(a.status().pendingChanges, 1);
  let st = await a.sync();
  assert.equal(st.pendingChanges, 0, JSON.stringify(st));
  assert.ok(st.lastSyncedAt);
  await b.sync();
  assert.equal((await b.get('goals', id)).title, 'Fietsen');

  await a.update('goals', id, { title: 'Fietsen naar de markt' });
  await a.sync();
  await b.sync();
  assert.equal((await b.get('goals', id)).title, 'Fietsen naar de markt');

  await b.remove('goals', id);
  assert.equal(await b.get('goals', id), null, 'a pending delete hides the record');
  await b.sync();
  await a.sync();
  assert.equal(await a.get('goals', id), null);
  assert.ok(!(await a.list('goals')).some((g) => g.id === id));
});

test('base includes own unpushed edits: no conflict with oneself', async () => {
  const a = await newClient('BegA');
  await a.sync();
  const goal = await a.get('goals', world.GoalA);
  await a.update('goals', world.GoalA, { why: 'eerste' });
  await a.update('goals', world.GoalA, { why: 'tweede' });
  const [, second] = (await a.store.all('outbox')).map(([, m]) => m);
  assert.deepEqual(second.base, { why: 'eerste' });
  assert.equal(second.base_version, goal.version);
  const id = await a.create('goals', { client: world.ClientA, title: 'Nieuw', life_domain: 'living', status: 'idea' });
  await a.update('goals', id, { title: 'Nieuw doel' });
  const st = await a.sync();
  assert.deepEqual(st.conflicts, []);
  assert.deepEqual(st.refused, []);
  assert.equal((await a.get('goals', world.GoalA)).why, 'tweede');
  assert.equal((await a.get('goals', id)).title, 'Nieuw doel');
});

test('reload keeps the outbox; an interrupted push is replayed as it was', async () => {
  const store = newStore();
  let cut = true;
  // The first push reaches the server, but its answer never comes back.
  const fetchCut = async (url, init) => {
    const res = await fetch(url, init);
    if (cut && url.includes('/push')) {
      cut = false;
      throw new TypeError('network connection lost');
    }
    return res;
  };
  const a = await newClient('BegA', { store, fetch: fetchCut, maxAttempts: 1 });
  await a.sync();
  const title = 'Herhaald ' + Date.now();
  const id = await a.create('observations', { safari: world.SafariA, kind: 'facility', title, author_user: world.BegA });
  const st = await a.sync();
  assert.equal(st.pendingChanges, 1);
  assert.equal(st.online, false);
  const queued = (await a.store.all('outbox')).map(([, m]) => m);

  const b = await newClient(null, { store: reopen(store) }); // the page is loaded again
  assert.equal(b.deviceId, a.deviceId);
  assert.equal(b.status().pendingChanges, 1);
  assert.deepEqual((await b.store.all('outbox')).map(([, m]) => m), queued);
  const st2 = await b.sync();
  assert.equal(st2.pendingChanges, 0);
  assert.deepEqual(st2.refused, [], 'the replay is answered from the stored result, not refused as a second create');
  assert.equal((await b.get('observations', id)).title, title);
  const other = await newClient('BegA');
  await other.sync();
  assert.equal((await other.list('observations', (o) => o.title === title)).length, 1);
  // Counters go on where they were.
  await b.update('observations', id, { note: 'na herladen' });
  const [[, next]] = await b.store.all('outbox');
  assert.ok(next.mutation_id.endsWith('-2'), next.mutation_id);
});

test('413: a push over the server limit is split', async () => {
  const a = await newClient('BegA', { maxBatch: 1000 });
  await a.sync();
  let pushes = [];
  a.transport.fetch = async (url, init) => {
    if (url.includes('/push')) pushes.push(JSON.parse(init.body).mutations.length);
    return fetch(url, init);
  };
  for (let i = 0; i < 520; i++) {
    await a.create('observations', { safari: world.SafariA, kind: 'facility', title: `Bankje ${i}`, author_user: world.BegA });
  }
  const st = await a.sync();
  assert.equal(st.pendingChanges, 0, JSON.stringify(st.lastError));
  assert.deepEqual(pushes, [520, 260, 260]);
  assert.equal((await a.list('observations', (o) => o.title.startsWith('Bankje '))).length, 520);
});

test("conflict: the client's words win, status.conflicts names the field", async () => {
  const staff = await newClient('BegA');
  const client = await newClient('ClientA');
  await staff.sync();
  await client.sync();
  await client.update('goals', world.GoalA, { title: 'Weer zelf boodschappen doen, op dinsdag' });
  await staff.update('goals', world.GoalA, { title: 'Boodschappen doen met hulp' });
  await client.sync();
  const st = await staff.sync();
  assert.equal(st.conflicts.length, 1, JSON.stringify(st));
  assert.deepEqual(st.conflicts[0].fields, ['title']);
  assert.equal(st.conflicts[0].id, world.GoalA);
  assert.equal((await staff.get('goals', world.GoalA)).title, 'Weer zelf boodschappen doen, op dinsdag');
  await staff.dismissConflict(st.conflicts[0].mutation_id);
  assert.equal(staff.status().conflicts.length, 0);
});

test('a refused write stays with its text until dismissed', async () => {
  const a = await newClient('BegA');
  await a.sync();
  // A goal for team B's client: the create rule refuses it.
  const id = await a.create('goals', { client: world.ClientB, title: 'Mijn eigen woorden', life_domain: 'living', status: 'idea' });
  const st = await a.sync();
  assert.equal(st.pendingChanges, 0);
  assert.equal(st.refused.length, 1);
  const r = st.refused[0];
  assert.equal(r.id, id);
  assert.equal(r.op, 'create');
  assert.equal(r.data.title, 'Mijn eigen woorden');
  assert.ok(r.error.code, JSON.stringify(r));
  assert.match(await a.exportUnpushed(), /Mijn eigen woorden/);
  await a.dismissRefused(r.mutation_id);
  assert.equal(a.status().refused.length, 0);
  assert.doesNotMatch(await a.exportUnpushed(), /Mijn eigen woorden/);
});

test('401 after a password change: log in again, same device id, queue kept', async () => {
  const a = await newClient('BegB');
  await a.sync();
  const id = await a.create('observations', { safari: world.SafariB, kind: 'facility', title: 'Na wachtwoord', author_user: world.BegB });
  await rest(tokens.Coord, 'PATCH', `/api/collections/users/records/${world.BegB}`, { password: 'nieuwwachtwoord1', passwordConfirm: 'nieuwwachtwoord1' });
  let st = await a.sync();
  assert.equal(st.needsLogin, true);
  assert.equal(st.pendingChanges, 1);
  const device = a.deviceId;
  await a.register(await login('users', 'begb@example.nl', 'nieuwwachtwoord1'));
  assert.equal(a.deviceId, device);
  st = await a.sync();
  assert.equal(st.pendingChanges, 0);
  assert.equal((await a.get('observations', id)).title, 'Na wachtwoord');
});

test('426: upgrade required stops and keeps everything', async () => {
  const a = await newClient('ClientA');
  a.transport.schemaVersion = 0;
  await a.update('goals', world.GoalA, { why: 'oud' }).catch(() => a.create('network_contacts', { client: world.ClientA, name: 'Oud', relation: 'family', circle: 1, status: 'active' }));
  const st = await a.sync();
  assert.equal(st.upgradeRequired, true, JSON.stringify(st.lastError));
  assert.equal(st.pendingChanges, 1);
});

test('pages asked ahead: each page asked for once, in order, everything arrives; small writes as parts', async () => {
  const whole = await newClient('BegA');
  await whole.sync();
  const want = {};
  for (const c of ['teams', 'clients', 'goals', 'goal_steps', 'safaris', 'observations']) want[c] = (await whole.list(c)).map((r) => r.id);

  const cursors = [];
  const a = await newClient('BegA', {
    pullLimit: 2, pullFlush: 3,
    fetch: (url, init) => {
      if (url.includes('/pull')) cursors.push(new URL(url).searchParams.get('cursor') ?? '');
      return fetch(url, init);
    },
  });
  const st = await a.sync();
  assert.equal(st.lastError, null, JSON.stringify(st.lastError));
  assert.ok(cursors.length > 3, `${cursors.length} pages`);
  assert.equal(new Set(cursors).size, cursors.length, 'no page asked for twice');
  for (const [c, ids] of Object.entries(want)) assert.deepEqual((await a.list(c)).map((r) => r.id), ids, c);
  // Nothing new: one pull, the same view.
  cursors.length = 0;
  await a.sync();
  assert.equal(cursors.length, 1);
  for (const [c, ids] of Object.entries(want)) assert.deepEqual((await a.list(c)).map((r) => r.id), ids, c);
});

test('after a restore (another history), acknowledged mutations go again first and are answered from the log', async () => {
  const c = await newClient('BegA');
  await c.sync();
  const goal = await c.create('goals', { client: world.ClientA, title: 'Voor de restore', life_domain: 'living', status: 'idea' });
  await c.update('goals', goal, { why: 'eerst' });
  let st = await c.sync();
  assert.equal(st.lastError, null, JSON.stringify(st.lastError));
  assert.ok(c.install.history, 'the server told its history');
  assert.equal((await c.store.all('kept')).length, 2, 'both acknowledged mutations are kept');

  // As if the server had been restored since: its history is another one.
  c.install = { ...c.install, history: 'voor-de-restore' };
  await c.update('goals', goal, { why: 'daarna' });
  st = await c.sync();
  assert.equal(st.lastError, null, JSON.stringify(st.lastError));
  assert.equal(c.install.replayed, 2, 'the kept mutations went again');
  assert.notEqual(c.install.history, 'voor-de-restore');
  assert.equal((await c.store.all('outbox')).length, 0);
  assert.equal((await c.store.all('kept')).length, 3);
  assert.equal((await c.get('goals', goal)).why, 'daarna');
  const onServer = await rest(tokens.BegA, 'GET', `/api/collections/goals/records/${goal}`);
  assert.equal(onServer.why, 'daarna');
  assert.equal(onServer.title, 'Voor de restore');
});
