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
  constructor(Dexie, dbName = 'samenspel', options = undefined) {
    this.db = new Dexie(dbName, options);
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

  // transaction runs fn(store) in one IndexedDB transaction. fn must await
  // only this store's methods (IndexedDB commits a transaction that waits
  // on anything else).
  async transaction(fn) {
    return this.db.transaction('rw', this.db.kv, () => fn(this));
  }

  close() {
    this.db.close();
  }

  range(table, prefix) {
    return this.db.kv.where('[t+k]').between([table, prefix], [table, prefix + HIGH], true, true);
  }
}
