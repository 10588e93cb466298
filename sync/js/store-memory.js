// store-memory.js: MemoryStore, the reference storage adapter. It keeps
// everything in memory (a test, or a page that may forget), with the same
// contract as DexieStore; README.md describes the contract.

export class MemoryStore {
  constructor() {
    this.tables = new Map(); // table -> Map(key -> value)
  }

  async get(table, key) {
    const v = this.tables.get(table)?.get(key);
    return v === undefined ? undefined : structuredClone(v);
  }

  async put(table, key, value) {
    if (!this.tables.has(table)) this.tables.set(table, new Map());
    this.tables.get(table).set(key, structuredClone(value));
  }

  async delete(table, key) {
    this.tables.get(table)?.delete(key);
  }

  // all returns [key, value] pairs of table whose key starts with prefix,
  // sorted by key.
  async all(table, prefix = '') {
    const rows = [...(this.tables.get(table) ?? [])].filter(([k]) => k.startsWith(prefix));
    rows.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return rows.map(([k, v]) => [k, structuredClone(v)]);
  }

  // clear empties one table, or every table when none is named.
  async clear(table) {
    if (table === undefined) this.tables.clear();
    else this.tables.delete(table);
  }

  // transaction runs fn(store) all or nothing: a throw puts every table
  // back as it was. Values are cloned on the way in, so copying the maps
  // is a snapshot.
  async transaction(fn) {
    const snapshot = new Map([...this.tables].map(([t, rows]) => [t, new Map(rows)]));
    try {
      return await fn(this);
    } catch (err) {
      this.tables = snapshot;
      throw err;
    }
  }
}
