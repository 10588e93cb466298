// Choosing the team to work in. A cliënt has no team to choose and goes
// straight to their own goals.
import { L } from './labels-nl.js';
import { el, heading } from './dom.js';
import { rows, byTitle } from './data.js';

export async function show(main, { client, me, go }) {
  if (me.role === 'client') { go(`/client/${me.id}`); return; }
  const teams = (await rows(client, 'teams')).sort(byTitle);
  if (teams.length === 1 && !sessionStorage.getItem('samenspel.picked')) {
    sessionStorage.setItem('samenspel.picked', '1');
    go(`/team/${teams[0].id}`);
    return;
  }
  heading(main, L.team.pickTitle);
  if (!teams.length) { main.append(el('p', {}, L.team.none)); return; }
  main.append(el('ul', { class: 'cards' }, teams.map((t) => el('li', {},
    el('a', { class: 'card-link', href: `#/team/${t.id}` }, el('strong', {}, t.name), t.area ? el('span', {}, t.area) : null)))));
}
