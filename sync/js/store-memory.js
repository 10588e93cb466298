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

  // batch applies ops ({op: 'put', table, key, value}, {op: 'delete',
  // table, key}, {op: 'clear', table}) all or nothing: values are cloned
  // before the first op is applied.
  async batch(ops) {
    for (const o of ops) if (!['put', 'delete', 'clear'].includes(o.op)) throw new TypeError(`batch: unknown op ${o.op}`);
    const cloned = ops.map((o) => (o.op === 'put' ? { ...o, value: structuredClone(o.value) } : o));
    for (const o of cloned) {
      if (o.op === 'put') {
        if (!this.tables.has(o.table)) this.tables.set(o.table, new Map());
        this.tables.get(o.table).set(o.key, o.value);
      } else if (o.op === 'delete') this.tables.get(o.table)?.delete(o.key);
      else this.tables.delete(o.table);
    }
  }
}
