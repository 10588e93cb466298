// ratelimit.test.mjs: 429 with Retry-After. js_test.go serves a World that
// allows a device one sync request a second, two at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newClient, world } from './testenv.mjs';

const pause = (ms) => new Promise((r) => setTimeout(r, ms));

test('429: wait Retry-After, then retry; out of attempts, the outbox stays', async () => {
  const statuses = [];
  const waits = [];
  const logged = async (url, init) => {
    const res = await fetch(url, init);
    statuses.push(res.status);
    return res;
  };
  const sleep = async (ms) => { waits.push(ms); await pause(ms); };
  const a = await newClient('BegA', { fetch: logged, sleep, maxAttempts: 3 });
  // Syncs with nothing to push are one pull each: faster than one a second.
  let st;
  for (let i = 0; i < 10 && !statuses.includes(429); i++) {
    st = await a.sync();
    assert.equal(st.lastError, null, JSON.stringify(st.lastError));
  }
  const at = statuses.indexOf(429);
  assert.ok(at > 0, `no 429 in ${statuses}`);
  assert.equal(statuses[at + 1], 200, 'the retry after the wait got through');
  assert.deepEqual(waits, [1000], 'it waited what Retry-After said (1 s)');

  // Out of attempts: the sync ends with rate_limited and keeps the outbox.
  a.transport.maxAttempts = 1;
  // A change, then a sync, until a sync's push is refused: on a busy
  // machine a second may pass between two syncs and the bucket refill.
  const ids = [];
  for (let i = 0; i < 20 && !(st.lastError?.code === 'rate_limited' && st.pendingChanges > 0); i++) {
    ids.push(await a.create('observations', { safari: world.SafariA, kind: 'facility', title: `Even wachten ${i}`, author_user: world.BegA }));
    st = await a.sync();
  }
  assert.equal(st.lastError?.code, 'rate_limited', JSON.stringify(st));
  assert.equal(st.lastError.data.retry_after, 1);
  assert.ok(st.pendingChanges >= 1, JSON.stringify(st));
  assert.equal(st.online, true);

  a.transport.maxAttempts = 3;
  await pause(1000 * st.lastError.data.retry_after);
  st = await a.sync();
  assert.equal(st.lastError, null, JSON.stringify(st.lastError));
  assert.equal(st.pendingChanges, 0);
  for (const id of ids) assert.equal((await a.get('observations', id)).version >= 1, true);
});
