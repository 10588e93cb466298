// Finishing a wijksafari: what the group found, at a glance and without
// scores, and what the team learned, in their own words.
import { L } from './labels-nl.js';
import { el, field, heading } from './dom.js';
import { rows, one } from './data.js';

export async function show(main, { client, go }, safariID) {
  const safari = await one(client, 'safaris', safariID);
  if (!safari) { go('/'); return; }
  const found = await rows(client, 'observations', (o) => o.safari === safariID);
  heading(main, L.finish.title(safari.title), `#/team/${safari.team}`);
  main.append(el('p', {}, L.finish.summary(found.length)),
    el('ul', { class: 'plain' }, found.map((o) => el('li', {}, el('strong', {}, o.title), ' — ', L.kinds[o.kind]))));
  if (safari.status !== 'done') main.append(el('a', { class: 'button', href: `#/safari/${safariID}/walk` }, L.team.walk));
  const reflection = el('textarea', { name: 'reflection', rows: 6 });
  reflection.value = safari.reflection || '';
  const f = el('form', { novalidate: true }, field(L.finish.reflection, reflection, L.finish.reflectionHint),
    el('button', { type: 'submit', class: 'primary' }, safari.status === 'done' ? L.save : L.finish.submit));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    await client.update('safaris', safariID, { status: 'done', reflection: reflection.value.trim() });
    go(`/team/${safari.team}`);
  });
  if (safari.status === 'done') main.append(el('p', { class: 'saved' }, L.finish.done));
  main.append(f);
}
