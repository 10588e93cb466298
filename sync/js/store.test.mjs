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

  test(`${name}: batch writes all or nothing`, async () => {
    const s = make();
    await s.put('t', 'k', 1);
    await s.put('u', 'x', 1);
    await assert.rejects(s.batch([{ op: 'put', table: 't', key: 'k', value: 2 }, { op: 'bogus' }]));
    assert.equal(await s.get('t', 'k'), 1);
    await s.batch([{ op: 'put', table: 't', key: 'j', value: 3 }, { op: 'delete', table: 't', key: 'k' }, { op: 'clear', table: 'u' }]);
    assert.deepEqual(await s.all('t'), [['j', 3]]);
    assert.deepEqual(await s.all('u'), []);
  });
}

// The records table's layout (records.js) over both adapters: chunks in
// parts, a later part's record over an earlier one's, writes that are not
// a first sync's merging a chunk's parts into one.
for (const [name, make] of [['memory', () => new MemoryStore()], ['dexie', () => new DexieStore(Dexie, 'records-' + Math.random())]]) {
  test(`${name}: records in chunks and parts`, async () => {
    const { changeKey, recordWrites, getRecord, allRecords } = await import('./records.js');
    const s = make();
    const write = async (list, opts) => s.batch(await recordWrites(s, new Map(list.map(([c, id, rec]) => [changeKey(c, id), rec])), opts));
    const ids = ['a00000000000001', 'b00000000000002', 'c00000000000003', 'd00000000000004', 'e00000000000005'];
    // A first sync: the first page clears, every page a new part.
    await s.put('records', 'goals/0/000007', { zzz: { id: 'zzz' } });
    await write(ids.slice(0, 3).map((id) => ['goals', id, { id, v: 1 }]), { clear: true, part: 0 });
    await write([['goals', ids[0], { id: ids[0], v: 2 }], ['goals', ids[3], { id: ids[3], v: 1 }], ['steps', ids[4], { id: ids[4], v: 1 }]], { part: 1 });
    assert.equal(await getRecord(s, 'goals', 'zzz'), undefined, 'cleared');
    assert.deepEqual(await getRecord(s, 'goals', ids[0]), { id: ids[0], v: 2 }, 'the later part wins');
    assert.deepEqual((await allRecords(s, 'goals')).map((r) => `${r.id} ${r.v}`).sort(), [`${ids[0]} 2`, `${ids[1]} 1`, `${ids[2]} 1`, `${ids[3]} 1`]);
    assert.deepEqual((await allRecords(s, 'steps')).map((r) => r.id), [ids[4]]);
    const rows = (await s.all('records')).length;
    assert.ok(rows > 4, `${rows} rows: parts`);
    // A delete in a first sync's later page merges that chunk's parts.
    await write([['goals', ids[1], null]], { part: 2 });
    assert.equal(await getRecord(s, 'goals', ids[1]), undefined);
    // Any other write merges the parts of what it touches into one.
    for (const id of [ids[0], ids[2], ids[3]]) await write([['goals', id, { id, v: 3 }]]);
    const goalRows = await s.all('records', 'goals/');
    assert.equal(new Set(goalRows.map(([k]) => k.slice(0, k.lastIndexOf('/')))).size, goalRows.length, 'one part a chunk');
    assert.deepEqual((await allRecords(s, 'goals')).map((r) => `${r.id} ${r.v}`).sort(), [`${ids[0]} 3`, `${ids[2]} 3`, `${ids[3]} 3`]);
    await write(ids.map((id) => ['goals', id, null]));
    assert.deepEqual(await s.all('records', 'goals/'), [], 'an empty chunk leaves no row');
    assert.deepEqual((await allRecords(s, 'steps')).map((r) => r.id), [ids[4]]);
  });
}
