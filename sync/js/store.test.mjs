// store.test.mjs: the storage adapter contract, for MemoryStore and
// DexieStore (over fake-indexeddb). No server needed.
import 'fake-indexeddb/auto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Dexie from 'dexie';
import { MemoryStore, DexieStore } from './index.js';

for (const [name, make] of [['memory', () => new MemoryStore()], ['dexie', () => new DexieStore(Dexie, 'contract-' + Math.random())]]) {
  test(`${name}: get, put, delete, all by prefix in key order, clear`, async () => {
    const s = make();
    assert.equal(await s.get('t', 'a'), undefined);
    await s.put('t', 'b/2', { n: 2 });
    await s.put('t', 'b/1', { n: 1 });
    await s.put('t', 'c/1', { bytes: new Uint8Array([1, 2]) });
    await s.put('u', 'b/0', 0);
    assert.deepEqual(await s.all('t', 'b/'), [['b/1', { n: 1 }], ['b/2', { n: 2 }]]);
    assert.deepEqual((await s.get('t', 'c/1')).bytes, new Uint8Array([1, 2]));
    await s.delete('t', 'b/1');
    assert.equal((await s.all('t')).length, 2);
    await s.clear('t');
    assert.deepEqual(await s.all('t'), []);
    assert.equal(await s.get('u', 'b/0'), 0);
    await s.clear();
    assert.equal(await s.get('u', 'b/0'), undefined);
  });

  test(`${name}: a transaction that throws writes nothing`, async () => {
    const s = make();
    await s.put('t', 'k', 1);
    await assert.rejects(s.transaction(async (tx) => {
      await tx.put('t', 'k', 2);
      await tx.put('t', 'j', 3);
      throw new Error('boom');
    }));
    assert.equal(await s.get('t', 'k'), 1);
    assert.equal(await s.get('t', 'j'), undefined);
  });
}
