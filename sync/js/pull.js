// pull.js follows pull pages until has_more is false. Pages are stored
// with their cursor in one batch, so a cursor is never ahead of the
// records it stands for. reset drops the synced records (never the
// outbox); cursor_expired starts over without a cursor.
//
// Pages come one after the other (each names the next one's cursor), so
// the client asks for the next page as soon as the answer's start shows
// the cursor (the server writes cursor and has_more before the changes):
// the server works on the next page while this one arrives, is read and
// is stored. Pages are held until client.pullFlush records (or the last
// page) and written in one batch, while the next pages arrive: one write
// of 5,000 records costs IndexedDB far less than ten of 500 (records.js
// keeps them in a few large rows; many small writes spend the time the
// fetches need). In a first sync (after reset) each write adds new parts
// to the record chunks and reads nothing, so a team of 50,000 records is
// not rewritten every 5,000. A sync cut off before a write asks for those
// pages again.

import { isCode } from './errors.js';
import { changeKey, recordWrites } from './records.js';
import { replayKept } from './outbox.js';

export async function pull(client, signal) {
  const all = new AbortController(); // ends the pages asked for ahead with the pull
  const stop = () => all.abort();
  signal?.addEventListener('abort', stop, { once: true });
  const ahead = { n: 0 }; // pages asked for and not yet taken here
  let req = ask(client, client.install.cursor, all.signal, ahead);
  let held = []; // pages read, not yet stored
  let count = 0;
  let part; // in a first sync (after reset): the number of the next write
  let writing = null, failed = null;
  // store starts writing the held pages, unless a write runs (then the
  // pages that come meanwhile go in the next one).
  const store = () => {
    if (failed || writing || !held.length) return; // after a failed write, nothing later may go
    const pages = held;
    held = [];
    count = 0;
    if (pages.some((p) => p.reset)) part = 0;
    const n = part;
    if (part !== undefined) part++;
    writing = client.exclusive(() => applyPages(client, pages, n))
      .catch((err) => { failed ??= err; })
      .finally(() => { writing = null; });
  };
  // stored waits until every page held is written.
  const stored = async () => {
    while (!failed && (writing || held.length)) {
      if (writing) await writing;
      else store();
    }
    if (failed) throw failed;
  };
  try {
    for (;;) {
      if (failed) throw failed;
      const { page, err } = await req.result;
      req.release();
      if (err) {
        await stored();
        if (signal?.aborted || !isCode(err, 'cursor_expired') || !req.cursor) throw err;
        await client.exclusive(() => client.saveInstall({ ...client.install, cursor: '' }));
        req = ask(client, '', all.signal, ahead);
        continue;
      }
      let next = null;
      if (req.next?.cursor === page.cursor && page.has_more) next = req.next;
      else {
        req.next?.abort();
        if (page.has_more) next = ask(client, page.cursor, all.signal, ahead);
      }
      held.push(page);
      count += page.changes?.length ?? 0;
      if (!next) return await stored();
      if (count >= client.pullFlush) {
        store();
        if (count >= client.pullFlush) await writing; // a write runs: hold no more than this meanwhile
      }
      req = next;
    }
  } finally {
    signal?.removeEventListener('abort', stop);
    all.abort();
  }
}

// AHEAD is how many pages may be asked for before pull takes them.
const AHEAD = 4;

// HEAD matches the start of a pull answer up to has_more.
const HEAD = /^\{"cursor":("(?:[^"\\]|\\.)*"),"has_more":(true|false)/;

// ask asks for the page after cursor: {cursor, result, next, abort}.
// result resolves to {page} or {err}, never rejects (a page asked for
// ahead may never be read). next is the request for the page after it,
// made as soon as this answer's start shows the cursor (unless AHEAD
// pages wait already: then pull asks when it takes this one); a retry that
// shows another cursor replaces it.
function ask(client, cursor, signal, ahead) {
  ahead.n++;
  const ctl = new AbortController();
  const stop = () => ctl.abort();
  signal.addEventListener('abort', stop, { once: true });
  let counted = true;
  const release = () => { if (counted) (counted = false), ahead.n--; };
  const req = { cursor, next: null, abort: stop, release };
  const peek = (head) => {
    const m = HEAD.exec(head);
    if (!m) return !'{"cursor":"'.startsWith(head.slice(0, 11)); // not this server's order: read it whole
    const after = JSON.parse(m[1]);
    if (req.next && req.next.cursor !== after) req.next.abort(), (req.next = null);
    if (m[2] === 'true' && !req.next && !ctl.signal.aborted && ahead.n < AHEAD) req.next = ask(client, after, ctl.signal, ahead);
    return true;
  };
  let qs = cursor ? 'cursor=' + encodeURIComponent(cursor) : '';
  if (client.pullLimit) qs += (qs ? '&' : '') + 'limit=' + client.pullLimit;
  const path = '/api/sync/v1/pull' + (qs ? '?' + qs : '');
  req.result = client.call('GET', path, undefined, ctl.signal, peek)
    .then((page) => ({ page }), (err) => ({ err }))
    .finally(() => {
      signal.removeEventListener('abort', stop);
      if (ctl.signal.aborted) release(); // dropped: pull never takes it
    });
  return req;
}

// applyPages stores consecutive pages and the last one's cursor in one
// batch. A page with reset drops what the records table and the pages
// before it hold. part numbers the flushes of a first sync (records.js).
async function applyPages(client, pages, part) {
  let reset = false;
  const changes = new Map(); // changeKey -> record, or null for a delete
  for (const page of pages) {
    if (page.reset) {
      reset = true;
      changes.clear();
    }
    for (const ch of page.changes ?? []) {
      if (ch.op === 'upsert') changes.set(changeKey(ch.collection, ch.id), ch.record);
      else if (ch.op === 'delete') changes.set(changeKey(ch.collection, ch.id), null);
    }
  }
  const last = pages.at(-1);
  let inst = { ...client.install, cursor: last.cursor };
  const ops = await recordWrites(client.store, changes, { clear: reset, part });
  if (last.history && inst.history && last.history !== inst.history) {
    // The server was restored: send again what it acknowledged (outbox.js).
    const replay = await replayKept(client.store, inst, client.now(), { history: last.history });
    ops.push(...replay.ops);
    inst = replay.inst;
  } else {
    if (last.history) inst.history = last.history;
    ops.push({ op: 'put', table: 'meta', key: 'install', value: inst });
  }
  await client.store.batch(ops);
  client.install = inst;
}
