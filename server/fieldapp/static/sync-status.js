// The sync status bar, always on screen: online or not, what still waits
// to be sent, when the phone last synced, a button to sync now, and every
// change the server refused with the person's own text, so nothing typed
// is lost.
import { L } from './labels-nl.js';
import { el, time } from './dom.js';

export function show(bar, { client }) {
  const render = () => draw(bar, client, client.status());
  client.subscribe(render);
  window.addEventListener('online', render);
  window.addEventListener('offline', render);
  render();
}

function draw(bar, client, st) {
  const online = st.online !== false && navigator.onLine;
  const waiting = [];
  if (st.pendingChanges) waiting.push(L.sync.pending(st.pendingChanges));
  if (st.pendingPhotos) waiting.push(L.sync.photos(st.pendingPhotos));
  const button = el('button', { type: 'button', class: 'sync-now', disabled: st.syncing || !online },
    st.syncing ? L.sync.syncing : L.sync.now);
  button.addEventListener('click', () => client.sync().catch(() => {}));
  const parts = [
    el('p', { class: online ? 'state online' : 'state offline' }, online ? L.sync.online : L.sync.offline),
    el('p', { class: 'waiting' }, waiting.length ? waiting.join(' · ') : L.sync.allSent),
    el('p', { class: 'last' }, st.lastSyncedAt ? L.sync.last(time(st.lastSyncedAt)) : L.sync.never),
    button,
  ];
  if (st.upgradeRequired) parts.push(el('p', { class: 'notice' }, L.sync.upgrade));
  if (st.revoked) parts.push(el('p', { class: 'notice' }, L.sync.revoked));
  if (st.conflicts?.length) parts.push(el('p', { class: 'notice' }, L.sync.conflicts(st.conflicts.length)));
  if (st.refused?.length) parts.push(refusedList(client, st.refused));
  if (waiting.length || st.refused?.length) parts.push(exportButton(client));
  bar.replaceChildren(...parts);
}

// refusedList shows each refused change with the text the person wrote.
function refusedList(client, refused) {
  return el('details', { class: 'refused', open: true },
    el('summary', {}, L.sync.refusedTitle(refused.length)),
    el('p', {}, L.sync.refusedIntro),
    el('ul', {}, refused.map((r) => el('li', {},
      el('p', { class: 'what' }, L.collections[r.collection] || r.collection, ': ', r.error?.message || r.error?.code || ''),
      el('dl', {}, Object.entries(r.data || {}).filter(([, v]) => typeof v === 'string' && v.trim() && !/^[a-z0-9]{15}$/.test(v))
        .map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)])),
      el('button', { type: 'button', onclick: () => client.dismissRefused(r.mutation_id) }, L.sync.refusedDone)))));
}

// exportButton saves what has not reached the server as a file, a way out
// when the phone cannot sync for a long time.
function exportButton(client) {
  return el('button', { type: 'button', class: 'quiet', onclick: async () => {
    const json = await client.exportUnpushed();
    const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
    const a = el('a', { href: url, download: `samenspel-${new Date().toISOString().slice(0, 10)}.json` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } }, L.sync.exportButton);
}
