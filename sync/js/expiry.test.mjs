// expiry.test.mjs: 410 cursor_expired. js_test.go serves a World with a
// route, POST /_test/expire?step=<id>, that deletes that goal step and purges the
// change feed past it, as the hourly purge does 30 days later: a cursor
// taken before that delete could miss it and is refused.
import { test } from 'node:test';
import { changeKey, recordWrites } from './records.js';
import assert from 'node:assert/strict';
import { baseURL, newClient, world } from './testenv.mjs';

test('410 cursor_expired: pull again without a cursor, reset, nothing of the outbox lost', async () => {
  const pulls = [];
  const logged = async (url, init) => {
    const res = await fetch(url, init);
    if (url.includes('/pull')) pulls.push({ cursor: new URL(url).searchParams.get('cursor'), status: res.status });
    return res;
  };
  const a = await newClient('BegA', { fetch: logged });
  let st = await a.sync();
  assert.equal(st.lastError, null);
  const old = a.install.cursor;
  assert.ok(old);
  assert.ok(await a.get('goal_steps', world.StepA), 'step A is on the device');

  await expire(world.StepA);
  // A record the server never sent: only a reset drops it.
  await a.store.batch(await recordWrites(a.store, new Map([[changeKey('goals', 'ghost0000000001'), { id: 'ghost0000000001', title: 'Spook', version: 1 }]])));
  const id = await a.create('observations', { safari: world.SafariA, kind: 'facility', title: 'Na verlopen cursor', author_user: world.BegA });

  pulls.length = 0;
  st = await a.sync();
  assert.equal(st.lastError, null, JSON.stringify(st.lastError));
  assert.equal(pulls[0].cursor, old);
  assert.equal(pulls[0].status, 410);
  assert.equal(pulls[1].cursor, null, 'the next pull has no cursor');
  assert.equal(pulls[1].status, 200);
  assert.notEqual(a.install.cursor, old);
  assert.equal(st.pendingChanges, 0);
  assert.equal(await a.get('goal_steps', world.StepA), null, 'the delete the old cursor would have missed');
  assert.equal(await a.get('goals', 'ghost0000000001'), null, 'reset dropped what the server did not send');
  assert.equal((await a.get('observations', id)).title, 'Na verlopen cursor');
  assert.ok(await a.get('goals', world.GoalA), 'the rest came again');

  // The new cursor works: the next sync is one plain pull.
  pulls.length = 0;
  st = await a.sync();
  assert.equal(st.lastError, null);
  assert.deepEqual(pulls.map((p) => p.status), [200]);
});

test('410 while a mutation waits in the outbox: the reset keeps it, shown, and it goes later', async () => {
  const pulls = [];
  let cut = false;
  const f = async (url, init) => {
    if (cut && url.includes('/push')) throw new TypeError('network connection lost');
    const res = await fetch(url, init);
    if (url.includes('/pull')) pulls.push(res.status);
    return res;
  };
  const a = await newClient('BegA', { fetch: f, maxAttempts: 1 });
  const step = await a.create('goal_steps', { goal: world.GoalA, description: 'Even bellen', carried_by: 'client' });
  let st = await a.sync();
  assert.equal(st.pendingChanges, 0, JSON.stringify(st));
  const id = await a.create('observations', { safari: world.SafariA, kind: 'facility', title: 'Wacht in de outbox', author_user: world.BegA });
  cut = true;
  st = await a.sync(); // the push finds no network: the pull does not run
  assert.equal(st.lastError?.code, 'network');
  await expire(step);

  // The pull alone, as when the network comes back between push and pull.
  pulls.length = 0;
  const { pull } = await import('./pull.js');
  await pull(a);
  assert.deepEqual(pulls, [410, 200]);
  assert.equal((await a.store.all('outbox')).length, 1, 'the reset kept the outbox');
  assert.equal((await a.get('observations', id)).title, 'Wacht in de outbox', 'the view still shows it');
  assert.equal(await a.get('goal_steps', step), null, 'the purged delete arrived through the reset');
  cut = false;
  st = await a.sync();
  assert.equal(st.lastError, null, JSON.stringify(st.lastError));
  assert.equal(st.pendingChanges, 0);
  assert.equal((await a.get('observations', id)).title, 'Wacht in de outbox');
});

// expire deletes a goal step on the server and purges the feed past it.
async function expire(step) {
  const res = await fetch(`${baseURL}/_test/expire?step=${step}`, { method: 'POST' });
  assert.equal(res.status, 200, await res.text());
}
