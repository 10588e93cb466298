// A cliënt's goals, in their own words, with the steps and who carries
// them: first the cliënt, then their network, then formal help. A step may
// use a contact from the network or a place the team found in the wijk.
import { L } from './labels-nl.js';
import { el, field, heading, choices, picked, day, storedDate } from './dom.js';
import { rows, one, newestFirst } from './data.js';

export async function show(main, ctx, clientID) {
  const { client, me } = ctx;
  const person = await one(client, 'clients', clientID);
  const name = person?.name || '';
  const goals = (await rows(client, 'goals', (g) => g.client === clientID)).sort(newestFirst);
  const steps = await rows(client, 'goal_steps', (s) => goals.some((g) => g.id === s.goal));
  const contacts = await rows(client, 'network_contacts', (c) => c.client === clientID);
  const safaris = person ? await rows(client, 'safaris', (s) => s.team === person.team) : [];
  const places = await rows(client, 'observations', (o) => safaris.some((s) => s.id === o.safari));
  heading(main, L.client.goalsTitle(name), me.role === 'client' ? null : `#/team/${person?.team || ''}`);
  main.append(el('p', {}, L.client.goalsIntro),
    el('a', { class: 'button', href: `#/client/${clientID}/network` }, L.client.networkLink));
  if (!goals.length) main.append(el('p', {}, L.client.noGoals));
  const rerender = () => show(main, ctx, clientID);
  for (const g of goals) {
    const mine = steps.filter((s) => s.goal === g.id)
      .sort((a, b) => Object.keys(L.carriers).indexOf(a.carried_by) - Object.keys(L.carriers).indexOf(b.carried_by));
    main.append(el('article', { class: 'card goal' },
      el('h2', {}, `“${g.title}”`),
      g.why ? el('p', {}, g.why) : null,
      el('p', { class: 'meta' }, [L.domains[g.life_domain], L.goalStatus[g.status]].filter(Boolean).join(' · ')),
      el('h3', {}, L.client.steps),
      mine.length ? el('ul', { class: 'plain' }, mine.map((s) => stepItem(s, contacts, places))) : el('p', {}, L.client.noSteps),
      stepForm(client, g, contacts, places, rerender)));
  }
  main.append(goalForm(client, clientID, rerender));
}

function stepItem(s, contacts, places) {
  const who = s.carried_by === 'network' ? contacts.find((c) => c.id === s.contact)?.name : '';
  const where = places.find((o) => o.id === s.observation)?.title;
  return el('li', { class: 'step' }, el('strong', {}, s.description),
    el('span', { class: 'meta' }, [L.carriers[s.carried_by] + (who ? `: ${who}` : ''), where, L.stepStatus[s.status], day(s.due)].filter(Boolean).join(' · ')));
}

function goalForm(client, clientID, done) {
  const title = el('input', { name: 'title', autocomplete: 'off' });
  const why = el('textarea', { name: 'why', rows: 2 });
  const domain = el('select', { name: 'life_domain' }, el('option', { value: '' }, L.client.noneChosen),
    Object.entries(L.domains).map(([v, t]) => el('option', { value: v }, t)));
  const error = el('p', { class: 'error', role: 'alert' });
  const f = el('form', { class: 'card', novalidate: true }, el('h2', {}, L.client.addGoal),
    field(L.client.goal, title), field(L.client.why, why), field(L.client.domain, domain),
    choices(L.client.goalStatus, 'status', L.goalStatus, { checked: ['idea'] }),
    el('button', { type: 'submit', class: 'primary' }, L.save), error);
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!title.value.trim()) { error.textContent = L.required; title.focus(); return; }
    await client.create('goals', { client: clientID, title: title.value.trim(), why: why.value.trim(), life_domain: domain.value, status: picked(f, 'status')[0] || 'idea' });
    done();
  });
  return f;
}

function stepForm(client, goal, contacts, places, done) {
  const description = el('input', { name: 'description', autocomplete: 'off' });
  const contact = el('select', { name: 'contact' }, el('option', { value: '' }, L.client.noneChosen),
    contacts.filter((c) => !c.formal).map((c) => el('option', { value: c.id }, c.name)));
  const place = el('select', { name: 'observation' }, el('option', { value: '' }, L.client.noneChosen),
    places.map((o) => el('option', { value: o.id }, o.title)));
  const due = el('input', { name: 'due', type: 'date' });
  const error = el('p', { class: 'error', role: 'alert' });
  const f = el('form', { novalidate: true },
    field(L.client.step, description), choices(L.client.carriedBy, `carried-${goal.id}`, L.carriers, { checked: ['client'] }),
    field(L.client.contact, contact), field(L.client.observation, place), field(L.client.due, due),
    el('button', { type: 'submit' }, L.client.addStep), error);
  const wrap = el('details', { class: 'add-step' }, el('summary', {}, L.client.addStep), f);
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!description.value.trim()) { error.textContent = L.required; description.focus(); return; }
    const carried = picked(f, `carried-${goal.id}`)[0] || 'client';
    await client.create('goal_steps', {
      goal: goal.id, description: description.value.trim(), carried_by: carried,
      contact: carried === 'network' ? contact.value : '', observation: place.value, due: storedDate(due.value), status: 'planned',
    });
    done();
  });
  return wrap;
}
