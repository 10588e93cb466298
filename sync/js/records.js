// records.js: the synced records, as the server last sent them, in the
// store's `records` table. They are kept in chunks: four rows a
// collection, by the first character of the id (`goals/2` holds the goals
// whose id starts with a character whose code is 2 modulo 4), each a map
// {id: record}.
//
// Why chunks: IndexedDB in Chromium spends ~0.1 ms on every row it writes,
// and values under 64 KiB are written inline at a higher cost per byte
// than larger ones, which it keeps as files (bench/profile.js measures
// both). A first sync of 5,000 records as 5,000 rows spent most of its
// time there; as chunks it is 25 rows, most of them over 64 KiB. Reading
// gains too: a screen listing a collection reads four rows, not one per
// record. The price: changing one record rewrites its chunk, a quarter of
// its collection (a few hundred KB in a team of 5,000 records). The layout
// is the client's; a storage adapter sees plain rows.
//
// Only the client writes this table, under client.exclusive: chunks are
// read, changed and written back, and nothing else may write in between.

const TABLE = 'records';

// LAYOUT names this layout in the installation record (install.records);
// open() drops a records table of another layout and pulls afresh.
export const LAYOUT = 'chunks4';

// CHUNKS is the number of chunks a collection is kept in.
const CHUNKS = 4;

// chunkKey is the row of the records table that holds a record.
export function chunkKey(collection, id) {
  return `${collection}/${(id.charCodeAt(0) || 0) % CHUNKS}`;
}

// getRecord returns a synced record, or undefined.
export async function getRecord(store, collection, id) {
  const chunk = await store.get(TABLE, chunkKey(collection, id));
  return chunk && Object.hasOwn(chunk, id) ? chunk[id] : undefined;
}

// allRecords returns the synced records of a collection, in no order.
export async function allRecords(store, collection) {
  const out = [];
  for (const [, chunk] of await store.all(TABLE, collection + '/')) out.push(...Object.values(chunk));
  return out;
}

// recordWrites returns the store ops that apply changes, a Map of
// `${collection}\u0000${id}` to a record or null (deleted), to the
// records table. With reset, the table is cleared first and nothing is
// read. A collection with many changed chunks is read in one range.
export async function recordWrites(store, changes, { reset = false } = {}) {
  const byChunk = new Map(); // chunk key -> [[id, record | null], …]
  const byCollection = new Map(); // collection -> Set of its chunk keys
  for (const [k, rec] of changes) {
    const sep = k.indexOf('\u0000');
    const collection = k.slice(0, sep), id = k.slice(sep + 1);
    const ck = chunkKey(collection, id);
    let list = byChunk.get(ck);
    if (!list) {
      byChunk.set(ck, (list = []));
      if (!byCollection.has(collection)) byCollection.set(collection, new Set());
      byCollection.get(collection).add(ck);
    }
    list.push([id, rec]);
  }
  const old = new Map();
  if (!reset) {
    await Promise.all([...byCollection].map(async ([collection, keys]) => {
      if (keys.size > 1) {
        for (const [ck, chunk] of await store.all(TABLE, collection + '/')) old.set(ck, chunk);
      } else {
        await Promise.all([...keys].map(async (ck) => old.set(ck, await store.get(TABLE, ck))));
      }
    }));
  }
  const ops = reset ? [{ op: 'clear', table: TABLE }] : [];
  for (const [ck, list] of byChunk) {
    const chunk = old.get(ck) ?? {};
    for (const [id, rec] of list) {
      if (rec) chunk[id] = rec;
      else delete chunk[id];
    }
    if (Object.keys(chunk).length > 0) ops.push({ op: 'put', table: TABLE, key: ck, value: chunk });
    else if (!reset) ops.push({ op: 'delete', table: TABLE, key: ck });
  }
  return ops;
}

// changeKey is a record's key in the changes Map of recordWrites.
export function changeKey(collection, id) {
  return `${collection}\u0000${id}`;
}
