// pull.js follows pull pages until has_more is false. A page and its
// cursor are stored in one batch, so a cursor is never ahead of the
// records it stands for. reset drops the synced records (never the
// outbox); cursor_expired starts over without a cursor.
//
// The next page is asked for while the current one is written (its cursor
// is known once it is read): the server's work and the wire overlap the
// store's, and the next page is applied only after the current one is
// stored, so the order of writes is as without the overlap.

import { isCode } from './errors.js';
import { recordKey } from './view.js';

export async function pull(client, signal) {
  let next = fetchPage(client, client.install.cursor, signal);
  for (;;) {
    const { page, err, cursor } = await next;
    if (err) {
      if (!isCode(err, 'cursor_expired') || !cursor) throw err;
      await client.exclusive(() => client.saveInstall({ ...client.install, cursor: '' }));
      next = fetchPage(client, '', signal);
      continue;
    }
    next = page.has_more ? fetchPage(client, page.cursor, signal) : null;
    await client.exclusive(() => applyPage(client, page));
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

function applyPage(client, page) {
  const inst = { ...client.install, cursor: page.cursor };
  const ops = page.reset ? [{ op: 'clear', table: 'records' }] : [];
  for (const ch of page.changes ?? []) {
    const key = recordKey(ch.collection, ch.id);
    if (ch.op === 'upsert') ops.push({ op: 'put', table: 'records', key, value: ch.record });
    else if (ch.op === 'delete') ops.push({ op: 'delete', table: 'records', key });
  }
  ops.push({ op: 'put', table: 'meta', key: 'install', value: inst });
  return client.store.batch(ops).then(() => { client.install = inst; });
}
