// pull.js follows pull pages until has_more is false. Pages are stored
// with their cursor in one batch, so a cursor is never ahead of the
// records it stands for. reset drops the synced records (never the
// outbox); cursor_expired starts over without a cursor.
//
// The next page is asked for while the current one is read or written, so
// the server's work and the wire overlap the client's. Pages that follow
// each other are stored together, up to client.pullFlush records (or the
// last page): the records are kept in chunks (records.js), and writing a
// chunk again for every page of a first sync would rewrite the team many
// times over. A sync cut off before a flush fetches those pages again.

import { isCode } from './errors.js';
import { changeKey, recordWrites } from './records.js';

export async function pull(client, signal) {
  let next = fetchPage(client, client.install.cursor, signal);
  let held = []; // pages fetched, not yet stored
  let count = 0;
  const flush = async () => {
    const pages = held;
    held = [];
    count = 0;
    if (pages.length) await client.exclusive(() => applyPages(client, pages));
  };
  for (;;) {
    const { page, err, cursor } = await next;
    if (err) {
      await flush();
      if (!isCode(err, 'cursor_expired') || !cursor) throw err;
      await client.exclusive(() => client.saveInstall({ ...client.install, cursor: '' }));
      next = fetchPage(client, '', signal);
      continue;
    }
    next = page.has_more ? fetchPage(client, page.cursor, signal) : null;
    held.push(page);
    count += page.changes?.length ?? 0;
    if (!next || count >= client.pullFlush) await flush();
    if (!next) return;
  }
}

// fetchPage asks for the page after cursor; it resolves to {page} or
// {err}, never rejects (a page asked for ahead may never be read).
function fetchPage(client, cursor, signal) {
  let qs = cursor ? 'cursor=' + encodeURIComponent(cursor) : '';
  if (client.pullLimit) qs += (qs ? '&' : '') + 'limit=' + client.pullLimit;
  const path = '/api/sync/v1/pull' + (qs ? '?' + qs : '');
  return client.call('GET', path, undefined, signal).then((page) => ({ page, cursor }), (err) => ({ err, cursor }));
}

// applyPages stores consecutive pages and the last one's cursor in one
// batch. A page with reset drops what the records table and the pages
// before it hold.
async function applyPages(client, pages) {
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
  const inst = { ...client.install, cursor: pages.at(-1).cursor };
  const ops = await recordWrites(client.store, changes, { reset });
  ops.push({ op: 'put', table: 'meta', key: 'install', value: inst });
  await client.store.batch(ops);
  client.install = inst;
}
