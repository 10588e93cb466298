// A goal as a card, with its steps and the forms to change them, shared by
// the cliënt's own goals (my-goals.js) and a begeleider's view of a
// cliënt's goals (client-goals.js). Who is looking sets the words (a voice
// from labels-nl.js) and one thing more: only the cliënt agrees to a goal's
// wording (agreed_at). When a begeleider rewords a goal the server clears
// agreed_at, so the cliënt is asked again; the begeleider is told so.
// Every edit sends only the fields that changed (changedOnly).
//
// A view is { client, V, mine, clientID, contacts, places, saved }: the
// sync client, the voice, whether the cliënt is looking, whose goals,
// their network (a step may lean on someone), the team's observations (a
// step may use a place in the wijk), and saved(collection, id, fields),
// called after each write with the fields it changed (none: a new record).
import { L } from './labels-nl.js';
import { el, field, choices, picked, day, storedDate } from './dom.js';
import { changedOnly } from './data.js';

const CARRIERS = ['client', 'network', 'begeleider', 'other_professional'];

// goalCard is a goal in its owner's words, whether they agreed to them,
// the steps by who carries them, and the fold-outs to change it all.
export function goalCard(view, g, steps) {
  const hid = `goal-${g.id}`;
  return el('article', { class: 'card goal', 'aria-labelledby': hid },
    el('h2', { id: hid }, `“${g.title}”`),
    g.why ? el('p', {}, g.why) : null,
    el('p', { class: 'meta' }, [L.domains[g.life_domain], L.goalStatus[g.status]].filter(Boolean).join(' · ')),
    agreement(view, g),
    goalForm(view, g),
    el('h3', {}, view.V.steps),
    steps.length ? CARRIERS.map((c) => stepGroup(view, c, steps.filter((s) => s.carried_by === c))) : el('p', {}, view.V.noSteps),
    stepForm(view, g, null));
}

// agreement says whether these are the cliënt's agreed words; the cliënt
// is asked, a begeleider only told.
function agreement(view, g) {
  const { client, V } = view;
  if (g.agreed_at) return el('p', { class: 'agreed' }, V.agreed(day(g.agreed_at)));
  if (!view.mine) return el('p', {}, V.notAgreed);
  return el('div', { class: 'agree' }, el('p', {}, V.notAgreed),
    el('button', { type: 'button', class: 'agree-button', onclick: async () => {
      await client.update('goals', g.id, { agreed_at: storedNow() });
      await view.saved('goals', g.id, []);
    } }, V.agree));
}

function storedNow() {
  return new Date().toISOString().replace('T', ' ');
}

// goalForm writes a new goal, or changes one (g) in a fold-out. A goal the
// cliënt writes is in their words from the start: agreed.
export function goalForm(view, g) {
  const { client, V } = view;
  const key = g ? g.id : 'new';
  const title = el('textarea', { name: 'title', rows: 2 });
  const why = el('textarea', { name: 'why', rows: 2 });
  title.value = g?.title || '';
  why.value = g?.why || '';
  const domain = el('select', { name: 'life_domain' }, el('option', { value: '' }, L.client.noneChosen),
    Object.entries(L.domains).map(([v, t]) => el('option', { value: v }, t)));
  domain.value = g?.life_domain || '';
  const error = el('p', { class: 'error', role: 'alert' });
  const f = el('form', { class: g ? 'edit-goal' : 'card new-goal', novalidate: true },
    g ? null : el('h2', {}, V.addGoal),
    field(V.goal, title, g ? V.editHint : null), field(V.why, why), field(L.client.domain, domain),
    choices(L.client.goalStatus, `goal-status-${key}`, L.goalStatus, { checked: [g ? g.status : 'idea'] }),
    el('button', { type: 'submit', class: 'primary' }, L.save), error);
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const data = { title: title.value.trim(), why: why.value.trim(), life_domain: domain.value, status: picked(f, `goal-status-${key}`)[0] || g?.status || 'idea' };
    if (!data.title) { error.textContent = L.required; title.focus(); return; }
    if (g) {
      const diff = changedOnly(data, g);
      if (Object.keys(diff).length) await client.update('goals', g.id, diff);
      await view.saved('goals', g.id, Object.keys(diff));
    } else {
      const id = await client.create('goals', { client: view.clientID, ...data, ...(view.mine ? { agreed_at: storedNow() } : {}) });
      await view.saved('goals', id);
    }
  });
  return g ? el('details', { class: 'fold' }, el('summary', {}, V.edit), f) : f;
}

function stepGroup(view, carrier, steps) {
  if (!steps.length) return null;
  return el('section', { class: 'steps' }, el('h4', {}, view.V.stepsBy[carrier]),
    el('ul', { class: 'plain' }, steps.map((s) => {
      const who = s.carried_by === 'network' ? view.contacts.find((c) => c.id === s.contact)?.name : '';
      const where = view.places.find((o) => o.id === s.observation)?.title;
      return el('li', { class: 'step' }, el('strong', {}, s.description),
        el('span', { class: 'meta' }, [who, where, L.stepStatus[s.status], day(s.due)].filter(Boolean).join(' · ')),
        s.reflection ? el('p', {}, s.reflection) : null,
        stepForm(view, { id: s.goal }, s));
    })));
}

// stepForm adds a step to a goal, or changes one (s): what, who carries
// it (someone from the network by name), a place in the wijk, when, and
// once it exists how it goes and how it went.
function stepForm(view, goal, s) {
  const { client, V } = view;
  const key = s ? s.id : `new-${goal.id}`;
  const description = el('input', { name: 'description', autocomplete: 'off', value: s?.description || '' });
  const contact = linkSelect('contact', view.contacts.filter((c) => !c.formal), s?.contact, (c) => c.name);
  const place = linkSelect('observation', view.places, s?.observation, (o) => o.title);
  const day0 = s?.due ? String(s.due).slice(0, 10) : '';
  const due = el('input', { name: 'due', type: 'date', value: day0 });
  const reflection = el('textarea', { name: 'reflection', rows: 2 });
  reflection.value = s?.reflection || '';
  const error = el('p', { class: 'error', role: 'alert' });
  const f = el('form', { novalidate: true },
    field(V.step, description), choices(V.carriedBy, `carried-${key}`, V.carriers, { checked: [s?.carried_by || 'client'] }),
    field(V.contact, contact), field(L.client.observation, place),
    s ? choices(V.stepStatus, `status-${key}`, L.stepStatus, { checked: [s.status || 'planned'] }) : null,
    field(L.client.due, due), s ? field(V.reflection, reflection) : null,
    el('button', { type: 'submit' }, s ? L.save : V.addStep), error);
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!description.value.trim()) { error.textContent = L.required; description.focus(); return; }
    const carried = picked(f, `carried-${key}`)[0] || 'client';
    const data = {
      description: description.value.trim(), carried_by: carried, contact: carried === 'network' ? contact.value : '',
      observation: place.value, due: due.value === day0 ? (s?.due || '') : storedDate(due.value),
    };
    if (s) {
      data.status = picked(f, `status-${key}`)[0] || s.status || 'planned';
      data.reflection = reflection.value.trim();
      const diff = changedOnly(data, s);
      if (Object.keys(diff).length) await client.update('goal_steps', s.id, diff);
      await view.saved('goal_steps', s.id, Object.keys(diff));
    } else {
      await view.saved('goal_steps', await client.create('goal_steps', { goal: goal.id, ...data, status: 'planned' }));
    }
  });
  return el('details', { class: 'fold' }, el('summary', {}, s ? V.editStep : V.addStep), f);
}

// linkSelect chooses one of items, or none. A link to something this
// phone does not hold (a place on a walk the cliënt did not join) stays
// as it was, unless the person picks another.
function linkSelect(name, items, current, title) {
  const select = el('select', { name }, el('option', { value: '' }, L.client.noneChosen),
    items.map((i) => el('option', { value: i.id }, title(i))),
    current && !items.some((i) => i.id === current) ? el('option', { value: current }, L.client.notHere) : null);
  select.value = current || '';
  return select;
}
