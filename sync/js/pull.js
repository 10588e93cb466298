// pull.js follows pull pages until has_more is false. A page and its
// cursor are stored in one transaction, so a cursor is never ahead of the
// records it stands for. reset drops the synced records (never the
// outbox); cursor_expired starts over without a cursor.

import { isCode } from './errors.js';
import { recordKey } from './view.js';

export async function pull(client, signal) {
  for (;;) {
    const q = new URLSearchParams();
    if (client.install.cursor) q.set('cursor', client.install.cursor);
    if (client.pullLimit) q.set('limit', String(client.pullLimit));
    const path = '/api/sync/v1/pull' + (q.size ? '?' + q : '');
    let page;
    try {
      page = await client.call('GET', path, undefined, signal);
    } catch (err) {
      if (!isCode(err, 'cursor_expired') || !client.install.cursor) throw err;
      await client.exclusive(() => client.saveInstall({ ...client.install, cursor: '' }));
      continue;
    }
    await client.exclusive(() => applyPage(client, page));
    if (!page.has_more) return;
  }
}

async function applyPage(client, page) {
  const inst = { ...client.install, cursor: page.cursor };
  await client.store.transaction(async (s) => {
    if (page.reset) await s.clear('records');
    for (const ch of page.changes ?? []) {
      const key = recordKey(ch.collection, ch.id);
      if (ch.op === 'upsert') await s.put('records', key, ch.record);
      else if (ch.op === 'delete') await s.delete('records', key);
    }
    await s.put('meta', 'install', inst);
  });
  client.install = inst;
}
