// Dexie (IndexedDB) as one ES module for the field app: the sync client's
// DexieStore is given this Dexie, so the library itself imports nothing.
export { default as Dexie } from 'dexie';
