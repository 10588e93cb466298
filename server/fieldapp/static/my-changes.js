// What changed: in plain words, what someone else changed in my plan since
// I last looked (from the records as they are now and as I last saw them),
// and every time my words were kept when my begeleider wrote something
// else at the same time (the sync_conflicts the server sends me, reason
// same_field, with my value kept).
import { L } from './labels-nl.js';
import { el, heading, day } from './dom.js';
import { rows, one } from './data.js';
import { nav } from './my-nav.js';
import { changes, markSeen } from './seen.js';

export async function show(main, ctx) {
  const { client, me } = ctx;
  const kept = await rows(client, 'sync_conflicts', (c) => c.reason === 'same_field' && c.kept_by === `clients:${me.id}` && !c.resolved);
  const list = await changes(client, me);
  heading(main, L.my.changesTitle);
  main.append(nav('changes', list.length), el('p', {}, L.my.changesIntro));
  const rerender = ctx.refresh;

  if (kept.length) {
    const items = [];
    for (const c of kept) {
      const [mine, theirs] = L.my.keptText(text(c.kept_value), text(c.lost_value));
      items.push(el('li', { class: 'card kept' },
        el('p', { class: 'about' }, L.my.keptAbout(await about(client, c.collection, c.record))),
        el('p', {}, mine), el('p', {}, theirs), el('p', { class: 'hint' }, L.my.talkAbout),
        el('button', { type: 'button', class: 'quiet', onclick: async () => {
          await client.update('sync_conflicts', c.id, { resolved: true });
          for (const local of client.status().conflicts || []) {
            if (local.collection === c.collection && local.id === c.record) await client.dismissConflict(local.mutation_id);
          }
          await rerender();
        } }, L.my.seenConflict)));
    }
    main.append(el('section', { 'aria-labelledby': 'kept' }, el('h2', { id: 'kept' }, L.my.kept), el('ul', { class: 'plain' }, items)));
  }

  if (!list.length) {
    main.append(el('p', { class: 'nothing' }, L.my.noChanges));
    return;
  }
  const who = L.my.someoneElse;
  const items = [];
  for (const ch of list) {
    const what = L.my.fields[ch.field] || L.my.things[ch.collection];
    if (!ch.field) {
      const rec = ch.now || ch.was;
      const name = rec.title || rec.description || rec.name || '';
      items.push(el('li', { class: 'change' }, ch.now
        ? L.my.added(who, `${L.my.things[ch.collection]} “${name}”`)
        : L.my.removed(`${L.my.things[ch.collection]} “${name}”`)));
      continue;
    }
    items.push(el('li', { class: 'change' },
      el('p', {}, L.my.changed(who, what), ` (${await about(client, ch.collection, ch.id)})`),
      el('p', { class: 'meta' }, L.my.was(shown(ch.collection, ch.field, ch.was))),
      el('p', {}, L.my.now(shown(ch.collection, ch.field, ch.now)))));
  }
  main.append(el('section', { 'aria-labelledby': 'changed' }, el('h2', { id: 'changed' }, L.my.changes),
    el('ul', { class: 'plain' }, items),
    el('button', { type: 'button', class: 'primary', onclick: async () => { await markSeen(client, me); await rerender(); } }, L.my.seenAll)));
}

// about names the record a change is about, in the person's own words.
async function about(client, collection, id) {
  const r = await one(client, collection, id);
  const name = r?.title || r?.description || r?.name || '';
  return `${L.my.things[collection] || L.collections[collection] || collection}${name ? ` “${name}”` : ''}`;
}

function text(v) {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

// shown turns a stored value into the words the screens use for it.
function shown(collection, f, v) {
  if (v === null || v === undefined || v === '') return '—';
  switch (f) {
    case 'status': return (collection === 'goals' ? L.goalStatus : collection === 'goal_steps' ? L.stepStatus : L.contactStatus)[v] || v;
    case 'carried_by': return L.my.carriers[v] || v;
    case 'life_domain': return L.domains[v] || v;
    case 'relation': return L.relations[v] || v;
    case 'circle': return L.client.circle(Number(v)) || v;
    case 'support': return (Array.isArray(v) ? v : []).map((s) => L.support[s] || s).join(', ') || '—';
    case 'due': return day(v) || v;
    default: return text(v);
  }
}
