// index.js: the Samenspel sync client. See README.md.
export { SyncClient } from './client.js';
export { MemoryStore } from './store-memory.js';
export { DexieStore } from './store-dexie.js';
export { SyncError, isCode } from './errors.js';
export { newId } from './ids.js';
