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
    this.kv = this.db.kv;
  }

  async get(table, key) {
    const row = await this.kv.get([table, key]);
    return row?.v;
  }

  async put(table, key, value) {
    await this.kv.put({ t: table, k: key, v: value });
  }

  async delete(table, key) {
    await this.kv.delete([table, key]);
  }

  async all(table, prefix = '') {
    const rows = await this.range(table, prefix).toArray();
    return rows.map((r) => [r.k, r.v]);
  }

  async clear(table) {
    if (table === undefined) await this.kv.clear();
    else await this.range(table, '').delete();
  }

  // transaction runs fn(store) in one IndexedDB transaction. fn must await
  // only this store's methods (IndexedDB commits a transaction that waits
  // on anything else). The store fn gets is bound to the transaction:
  // between native async functions (the outbox's settle) Dexie can lose
  // the ambient transaction, run the next operation in one of its own and
  // let this one commit early (PrematureCommitError on a push of two edits).
  async transaction(fn) {
    return this.db.transaction('rw', this.db.kv, (tx) => {
      const bound = Object.create(this);
      bound.kv = tx.table('kv');
      bound.transaction = (inner) => inner(bound);
      return fn(bound);
    });
  }

  close() {
    this.db.close();
  }

  range(table, prefix) {
    return this.kv.where('[t+k]').between([table, prefix], [table, prefix + HIGH], true, true);
  }
}
