// The sync status bar, always on screen: online or not, what still waits
// to be sent, when the phone last synced, a button to sync now, and every
// change the server refused with the person's own text, so nothing typed
// is lost.
import { L } from './labels-nl.js';
import { el, time } from './dom.js';
import * as network from './network.js';

// show draws the bar now and again whenever the sync client or the
// network changes. The app opens the phone's store and asks the server
// before the first paint, so that paint is already right: offline or
// not, what waits, when the last sync was.
export function show(bar, { client }) {
  let wasSyncing = false;
  const render = () => {
    const st = client.status();
    // A sync that finished tells whether the server answered.
    if (wasSyncing && !st.syncing) network.note(st.lastError?.code !== 'network');
    wasSyncing = st.syncing;
    draw(bar, client, st);
  };
  client.subscribe(render);
  network.subscribe(render);
  window.addEventListener('online', render);
  window.addEventListener('offline', render);
  render();
}

function draw(bar, client, st) {
  const reach = network.known();
  const online = reach !== false;
  const state = reach === null ? 'checking' : online ? 'online' : 'offline';
  const waiting = [];
  if (st.pendingChanges) waiting.push(L.sync.pending(st.pendingChanges));
  if (st.pendingPhotos) waiting.push(L.sync.photos(st.pendingPhotos));
  const button = el('button', { type: 'button', class: 'sync-now', disabled: st.syncing || !online },
    st.syncing ? L.sync.syncing : L.sync.now);
  button.addEventListener('click', () => client.sync().catch(() => {}));
  const parts = [
    el('p', { class: `state ${state}` }, L.sync[state]),
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

// refusedList shows each refused change with the text the person wrote,
// under the names the screens use for those fields.
function refusedList(client, refused) {
  return el('details', { class: 'refused', open: true },
    el('summary', {}, L.sync.refusedTitle(refused.length)),
    el('p', {}, L.sync.refusedIntro),
    el('ul', {}, refused.map((r) => el('li', {},
      el('p', { class: 'what' }, L.collections[r.collection] || L.sync.refusedOther, ': ', why(r)),
      el('dl', {}, written(r).map(([label, v]) => [el('dt', {}, label), el('dd', {}, v)])),
      el('button', { type: 'button', onclick: () => client.dismissRefused(r.mutation_id) }, L.sync.refusedDone)))));
}

// why says in Dutch why the server refused, and which fields it named.
function why(r) {
  const code = r.error?.code || '';
  const text = L.sync.refusedWhy[code] || L.sync.refusedOther;
  const named = Object.keys(r.error?.data || {}).map((k) => L.fields[r.collection]?.[k]).filter(Boolean);
  return named.length ? `${text} ${L.sync.refusedFields(named)}` : text;
}

// written is what the person wrote in a refused change: [label, text]
// for every field the screens name, a choice in its Dutch words.
function written(r) {
  const labels = L.fields[r.collection] || {};
  const out = [];
  for (const [k, v] of Object.entries(r.data || {})) {
    if (!labels[k] || typeof v !== 'string' || !v.trim()) continue;
    out.push([labels[k], choiceWords(r.collection, k)?.[v] || v]);
  }
  return out;
}

function choiceWords(collection, field) {
  return {
    'observations.kind': L.kinds, 'observations.threshold': L.thresholds,
    'goals.life_domain': L.domains, 'goals.status': L.goalStatus,
    'goal_steps.status': L.stepStatus, 'goal_steps.carried_by': L.carriers,
    'network_contacts.relation': L.relations, 'network_contacts.status': L.contactStatus,
    'feedback.kind': L.feedbackKinds, 'safaris.status': { planned: L.team.planned, done: L.team.done },
  }[`${collection}.${field}`];
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
