// A cliënt's goals, in their own words, with the steps and who carries
// them: first the cliënt, then their network, then formal help. A step may
// use a contact from the network or a place the team found in the wijk.
// The begeleider changes goals and steps with the cliënt's own forms
// (goal-edit.js), in words about the cliënt; agreeing stays the cliënt's.
import { L, voice } from './labels-nl.js';
import { el, heading } from './dom.js';
import { rows, one, newestFirst } from './data.js';
import { goalCard, goalForm } from './goal-edit.js';

export async function show(main, ctx, clientID) {
  const { client, me } = ctx;
  const person = await one(client, 'clients', clientID);
  const name = person?.name || '';
  const goals = (await rows(client, 'goals', (g) => g.client === clientID)).sort(newestFirst);
  const steps = await rows(client, 'goal_steps', (s) => goals.some((g) => g.id === s.goal));
  const contacts = await rows(client, 'network_contacts', (c) => c.client === clientID);
  const safaris = person ? await rows(client, 'safaris', (s) => s.team === person.team) : [];
  const places = await rows(client, 'observations', (o) => safaris.some((s) => s.id === o.safari));
  const view = { client, V: voice(me, name), mine: false, clientID, contacts, places, saved: ctx.refresh };
  heading(main, L.client.goalsTitle(name), `#/team/${person?.team || ''}`);
  main.append(el('p', {}, L.client.goalsIntro),
    el('a', { class: 'button', href: `#/client/${clientID}/network` }, L.client.networkLink));
  if (!goals.length) main.append(el('p', {}, L.client.noGoals));
  for (const g of goals) main.append(goalCard(view, g, steps.filter((s) => s.goal === g.id)));
  main.append(goalForm(view, null));
}
