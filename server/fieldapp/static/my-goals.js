// My goals: the cliënt's start screen. Their goals in their own words, to
// reword and to agree to ("Ja, dit zijn mijn woorden" sets agreed_at; the
// server clears it when staff reword an agreed goal), and the steps with who
// carries them: first what I do myself, then my network, then my
// begeleider, then other help. No scores, no colours for good or bad. The
// cards and forms are goal-edit.js, shared with the begeleider's screen.
import { L, voice } from './labels-nl.js';
import { el, heading } from './dom.js';
import { rows, newestFirst } from './data.js';
import { nav } from './my-nav.js';
import { changes, noteOwn } from './seen.js';
import { goalCard, goalForm } from './goal-edit.js';

export async function show(main, ctx) {
  const { client, me } = ctx;
  const goals = (await rows(client, 'goals', (g) => g.client === me.id)).sort(newestFirst);
  const steps = await rows(client, 'goal_steps', (s) => goals.some((g) => g.id === s.goal));
  const contacts = await rows(client, 'network_contacts', (c) => c.client === me.id);
  const places = await rows(client, 'observations');
  const changed = (await changes(client, me)).length;
  const view = {
    client, V: voice(me), mine: true, clientID: me.id, contacts, places,
    saved: async (collection, id, fields) => { await noteOwn(client, me, collection, id, fields); await ctx.refresh(); },
  };
  heading(main, L.my.goalsTitle);
  main.append(nav('goals', changed), el('p', {}, L.my.goalsIntro));
  if (!goals.length) main.append(el('p', {}, L.my.noGoals));
  for (const g of goals) main.append(goalCard(view, g, steps.filter((s) => s.goal === g.id)));
  main.append(goalForm(view, null));
}
