// My observations: the wijksafari's the cliënt walked along on, what was
// found there, and a short form to add what they saw themselves (written
// as theirs: author_client).
import { L } from './labels-nl.js';
import { el, field, heading, choices, picked, day } from './dom.js';
import { rows, newestFirst } from './data.js';
import { nav } from './my-nav.js';
import { changes } from './seen.js';

export async function show(main, ctx) {
  const { client, me } = ctx;
  const safaris = (await rows(client, 'safaris', (s) => Array.isArray(s.clients) && s.clients.includes(me.id))).sort(newestFirst);
  const found = await rows(client, 'observations', (o) => safaris.some((s) => s.id === o.safari));
  const changed = (await changes(client, me)).length;
  heading(main, L.my.observeTitle);
  main.append(nav('safaris', changed), el('p', {}, L.my.observeIntro));
  if (!safaris.length) main.append(el('p', {}, L.my.noSafaris));
  for (const s of safaris) {
    const here = found.filter((o) => o.safari === s.id).sort(newestFirst);
    const hid = `safari-${s.id}`;
    main.append(el('article', { class: 'card', 'aria-labelledby': hid },
      el('h2', { id: hid }, s.title),
      el('p', { class: 'meta' }, [s.area, day(s.date)].filter(Boolean).join(' · ')),
      here.length ? el('ul', { class: 'plain' }, here.map((o) => el('li', { class: 'found' },
        el('strong', {}, o.title),
        el('span', { class: 'meta' }, [L.kinds[o.kind], L.thresholds[o.threshold], o.author_client === me.id ? L.my.observeMine : L.my.observeByTeam].filter(Boolean).join(' · ')),
        o.note ? el('p', {}, o.note) : null))) : el('p', {}, L.walk.nothingYet),
      form(ctx, s, ctx.refresh)));
  }
}

function form({ client, me }, safari, done) {
  const title = el('input', { name: 'title', autocomplete: 'off' });
  const note = el('textarea', { name: 'note', rows: 3 });
  const kind = choices(L.walk.kind, `kind-${safari.id}`, L.kinds, { checked: ['place'] });
  const threshold = choices(L.walk.threshold, `threshold-${safari.id}`, { ...L.thresholds, '': L.walk.thresholdNone }, { checked: [''] });
  const error = el('p', { class: 'error', role: 'alert' });
  const f = el('form', { novalidate: true }, kind, field(L.walk.name, title), field(L.walk.note, note), threshold,
    el('button', { type: 'submit', class: 'primary' }, L.walk.submit), error);
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!title.value.trim()) { error.textContent = L.required; title.focus(); return; }
    await client.create('observations', {
      safari: safari.id, kind: picked(f, `kind-${safari.id}`)[0] || 'other', title: title.value.trim(), note: note.value.trim(),
      threshold: picked(f, `threshold-${safari.id}`)[0] || '', author_client: me.id,
    });
    await done();
  });
  return el('details', { class: 'fold' }, el('summary', {}, L.my.observeAdd(safari.title)), f);
}
