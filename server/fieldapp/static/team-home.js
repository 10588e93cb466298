// A team's work: its wijksafari's, its cliënten and the feedback of the
// teamadviseur.
import { L } from './labels-nl.js';
import { el, heading, day } from './dom.js';
import { rows, one, byTitle, newestFirst } from './data.js';

export async function show(main, { client }, teamID) {
  const team = await one(client, 'teams', teamID);
  const safaris = (await rows(client, 'safaris', (s) => s.team === teamID)).sort(newestFirst);
  const clients = (await rows(client, 'clients', (c) => c.team === teamID)).sort(byTitle);
  heading(main, team ? team.name : L.team.pickTitle, '#/');
  if (team?.area) main.append(el('p', { class: 'sub' }, team.area));

  main.append(el('h2', {}, L.team.safaris),
    el('a', { class: 'button primary', href: `#/team/${teamID}/plan` }, L.team.plan));
  if (!safaris.length) main.append(el('p', {}, L.team.noSafaris));
  else {
    main.append(el('ul', { class: 'cards' }, safaris.map((s) => {
      const done = s.status === 'done';
      return el('li', {}, el('a', { class: 'card-link', href: `#/safari/${s.id}/${done ? 'finish' : 'walk'}` },
        el('strong', {}, s.title),
        el('span', {}, [done ? L.team.done : L.team.planned, day(s.date), s.area].filter(Boolean).join(' · '))));
    })));
  }

  main.append(el('h2', {}, L.team.clients));
  if (!clients.length) main.append(el('p', {}, L.team.noClients));
  else {
    main.append(el('ul', { class: 'cards' }, clients.map((c) => el('li', {},
      el('a', { class: 'card-link', href: `#/client/${c.id}` }, el('strong', {}, c.name))))));
  }
  main.append(el('h2', {}, L.team.feedback),
    el('a', { class: 'button', href: `#/team/${teamID}/feedback` }, L.feedback.title),
    el('p', {}, el('a', { href: '#/', onclick: () => sessionStorage.setItem('samenspel.picked', '1') }, L.team.otherTeam)));
}

export const live = true;
