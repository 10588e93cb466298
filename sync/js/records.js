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
// A chunk may be in parts (`goals/2/000003`), read in key order, a later
// part's record over an earlier one's: a first sync writes every page's
// records as new parts, so writing a page costs that page, not the chunks
// so far, and the pages are stored while the next ones arrive. Any other
// write of a chunk reads its parts and writes them back as one.
//
// Only the client writes this table, under client.exclusive: chunks are
// read, changed and written back, and nothing else may write in between.

const TABLE = 'records';

// LAYOUT names this layout in the installation record (install.records);
// open() drops a records table of another layout and pulls afresh.
export const LAYOUT = 'chunks4-parts';

// CHUNKS is the number of chunks a collection is kept in.
const CHUNKS = 4;

// chunkKey is the chunk that holds a record; its parts are rows
// `${chunkKey}/${part}`.
export function chunkKey(collection, id) {
  return `${collection}/${(id.charCodeAt(0) || 0) % CHUNKS}`;
}

function partKey(ck, part) {
  return `${ck}/${String(part).padStart(6, '0')}`;
}

// getRecord returns a synced record, or undefined.
export async function getRecord(store, collection, id) {
  let rec;
  for (const [, part] of await store.all(TABLE, chunkKey(collection, id) + '/')) {
    if (Object.hasOwn(part, id)) rec = part[id];
  }
  return rec ?? undefined;
}

// allRecords returns the synced records of a collection, in no order.
export async function allRecords(store, collection) {
  const byId = new Map();
  for (const [, part] of await store.all(TABLE, collection + '/')) for (const id in part) byId.set(id, part[id]);
  return [...byId.values()];
}

// recordWrites returns the store ops that apply changes, a Map of
// changeKey(collection, id) to a record or null (deleted), to the records
// table. With clear, the table is emptied first. With part (a number
// larger than any part written since the table was last emptied: a
// first sync counts its flushes), a chunk given only upserts gets them as
// a new part, nothing read; every other chunk is read, changed and
// written back as one part.
export async function recordWrites(store, changes, { clear = false, part } = {}) {
  const byChunk = new Map(); // chunk key -> {list: [[id, record | null], …], deletes}
  for (const [k, rec] of changes) {
    const sep = k.indexOf('\u0000');
    const collection = k.slice(0, sep), id = k.slice(sep + 1);
    const ck = chunkKey(collection, id);
    let c = byChunk.get(ck);
    if (!c) byChunk.set(ck, (c = { collection, list: [], deletes: false }));
    c.list.push([id, rec]);
    if (!rec) c.deletes = true;
  }
  const ops = clear ? [{ op: 'clear', table: TABLE }] : [];
  const compact = []; // chunks to read and write back as one
  for (const [ck, c] of byChunk) {
    if (part === undefined || (c.deletes && !clear)) {
      compact.push(ck);
      continue;
    }
    const upserts = {};
    for (const [id, rec] of c.list) if (rec) upserts[id] = rec;
    if (Object.keys(upserts).length > 0) ops.push({ op: 'put', table: TABLE, key: partKey(ck, part), value: upserts });
  }
  // The parts of the chunks to compact: a collection with many of them
  // in one range, else chunk by chunk.
  const perCollection = new Map();
  for (const ck of compact) {
    const collection = byChunk.get(ck).collection;
    if (!perCollection.has(collection)) perCollection.set(collection, []);
    perCollection.get(collection).push(ck);
  }
  const parts = new Map(compact.map((ck) => [ck, []])); // chunk key -> [[row key, part], …]
  await Promise.all([...perCollection].map(async ([collection, cks]) => {
    const ranges = cks.length > 1 ? [collection + '/'] : cks.map((ck) => ck + '/');
    for (const prefix of ranges) {
      for (const row of await store.all(TABLE, prefix)) parts.get(row[0].slice(0, row[0].lastIndexOf('/')))?.push(row);
    }
  }));
  for (const ck of compact) {
    const rows = parts.get(ck);
    const chunk = {};
    for (const [, p] of rows) Object.assign(chunk, p);
    for (const [id, rec] of byChunk.get(ck).list) {
      if (rec) chunk[id] = rec;
      else delete chunk[id];
    }
    // The merged chunk takes the last part's key (or part, if given), so
    // parts written after it still sort after it.
    const key = part !== undefined ? partKey(ck, part) : rows.length ? rows.at(-1)[0] : partKey(ck, 0);
    for (const [k] of rows) if (k !== key) ops.push({ op: 'delete', table: TABLE, key: k });
    if (Object.keys(chunk).length > 0) ops.push({ op: 'put', table: TABLE, key, value: chunk });
    else if (rows.some(([k]) => k === key)) ops.push({ op: 'delete', table: TABLE, key });
  }
  return ops;
}

// changeKey is a record's key in the changes Map of recordWrites.
export function changeKey(collection, id) {
  return `${collection}\u0000${id}`;
}
