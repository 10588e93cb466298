// store-dexie.js: DexieStore keeps the client's tables in IndexedDB
// through Dexie. Dexie is passed in (new DexieStore(Dexie)), so this module
// has no bare import and loads in a browser without an import map.
//
// Every table of the contract lives in one object store, kv, keyed by
// [table, key]: tables need no schema upgrade, and all(table, prefix) is a
// key range.

const HIGH = '\uffff';

export class DexieStore {
  // options go to Dexie's constructor (e.g. {indexedDB, IDBKeyRange}).
  // Writes are strict by default: Chromium (since 121) otherwise fires
  // complete once the OS has the data, before it is on disk, and the
  // contract promises durable writes; the client writes seldom and in
  // batches, so it costs little (the benchmark measures both).
  constructor(Dexie, dbName = 'samenspel', options = undefined) {
    this.db = new Dexie(dbName, { chromeTransactionDurability: 'strict', ...options });
    this.db.version(1).stores({ kv: '[t+k]' });
  }

  async get(table, key) {
    const row = await this.db.kv.get([table, key]);
    return row?.v;
  }

  async put(table, key, value) {
    await this.db.kv.put({ t: table, k: key, v: value });
  }

  async delete(table, key) {
    await this.db.kv.delete([table, key]);
  }

  async all(table, prefix = '') {
    const rows = await this.range(table, prefix).toArray();
    return rows.map((r) => [r.k, r.v]);
  }

  async clear(table) {
    if (table === undefined) await this.db.kv.clear();
    else await this.range(table, '').delete();
  }

  // batch applies ops (see MemoryStore.batch) in one IndexedDB
  // transaction. The requests are issued without awaiting between them:
  // IndexedDB commits a transaction that waits on anything else. Runs of
  // puts (and of deletes) go as one bulkPut (bulkDelete), in order: a
  // pull page of 500 records is one request of Dexie's, not 500.
  async batch(ops) {
    for (const o of ops) if (o.op !== 'put' && o.op !== 'delete' && o.op !== 'clear') throw new TypeError(`batch: unknown op ${o.op}`);
    await this.db.transaction('rw', this.db.kv, () => {
      for (let i = 0; i < ops.length;) {
        const kind = ops[i].op;
        let j = i;
        while (j < ops.length && ops[j].op === kind && kind !== 'clear') j++;
        if (kind === 'put') this.db.kv.bulkPut(ops.slice(i, j).map((o) => ({ t: o.table, k: o.key, v: o.value })));
        else if (kind === 'delete') this.db.kv.bulkDelete(ops.slice(i, j).map((o) => [o.table, o.key]));
        else this.range(ops[i].table, '').delete(), j = i + 1;
        i = j;
      }
    });
  }

  close() {
    this.db.close();
  }

  range(table, prefix) {
    return this.db.kv.where('[t+k]').between([table, prefix], [table, prefix + HIGH], true, true);
  }
}
