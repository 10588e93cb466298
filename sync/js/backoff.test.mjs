// backoff.test.mjs: 5xx. js_test.go puts a proxy in front of the server
// that answers 503 (plain text, as a proxy does) to the next n sync
// requests after POST /_test/fail?n=, then passes them through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseURL, newClient, world } from './testenv.mjs';

async function failNext(n) {
  const res = await fetch(`${baseURL}/_test/fail?n=${n}`, { method: 'POST' });
  assert.equal(res.status, 200);
}

test('503: back off (doubling, jittered), keep the outbox, deliver once', async () => {
  const calls = [];
  const waits = [];
  const logged = async (url, init) => {
    const res = await fetch(url, init);
    calls.push(`${new URL(url).pathname.split('/').pop()} ${res.status}`);
    return res;
  };
  const sleep = async (ms) => { waits.push(ms); };
  const a = await newClient('BegA', { fetch: logged, sleep, backoffMs: 100, maxAttempts: 4 });
  await a.sync();

  const id = await a.create('observations', { safari: world.SafariA, kind: 'facility', title: 'Na twee keer 503', author_user: world.BegA });
  calls.length = 0;
  await failNext(2);
  let st = await a.sync();
  assert.equal(st.lastError, null, JSON.stringify(st.lastError));
  assert.deepEqual(calls, ['push 503', 'push 503', 'push 200', 'pull 200']);
  assert.equal(waits.length, 2);
  assert.ok(waits[0] >= 50 && waits[0] <= 100, `first wait ${waits[0]} ms, want 50..100`);
  assert.ok(waits[1] >= 100 && waits[1] <= 200, `second wait ${waits[1]} ms, want 100..200`);
  assert.equal(st.pendingChanges, 0);

  // Every attempt fails: the sync ends with the 503, the mutation stays
  // queued as it was, and goes once the server answers again.
  const id2 = await a.create('observations', { safari: world.SafariA, kind: 'facility', title: 'Blijft staan', author_user: world.BegA });
  const queued = await a.store.all('outbox');
  calls.length = 0;
  waits.length = 0;
  await failNext(100);
  st = await a.sync();
  assert.equal(st.lastError?.code, 'http_503', JSON.stringify(st.lastError));
  assert.equal(st.online, true, 'a 503 is an answer: online');
  assert.deepEqual(calls, ['push 503', 'push 503', 'push 503', 'push 503']);
  assert.equal(waits.length, 3);
  assert.ok(waits[2] >= 200 && waits[2] <= 400, `third wait ${waits[2]} ms`);
  assert.equal(st.pendingChanges, 1);
  assert.deepEqual(await a.store.all('outbox'), queued, 'the queued mutation is unchanged');
  assert.equal((await a.get('observations', id2)).title, 'Blijft staan', 'and still shown');

  await failNext(0);
  st = await a.sync();
  assert.equal(st.lastError, null, JSON.stringify(st.lastError));
  assert.equal(st.pendingChanges, 0);
  const other = await newClient('BegA');
  await other.sync();
  for (const [oid, title] of [[id, 'Na twee keer 503'], [id2, 'Blijft staan']]) {
    assert.equal((await other.list('observations', (o) => o.title === title)).length, 1, title);
    assert.ok(await other.get('observations', oid));
  }
});
