// My goals: the cliënt's start screen. Their goals in their own words, to
// reword and to agree to ("Ja, dit zijn mijn woorden" sets agreed_at; the
// server clears it when staff reword an agreed goal), and the steps with who
// carries them: first what I do myself, then my network, then my
// begeleider, then other help. No scores, no colours for good or bad.
import { L } from './labels-nl.js';
import { el, field, heading, choices, picked, day, storedDate } from './dom.js';
import { rows, newestFirst } from './data.js';
import { nav } from './my-nav.js';
import { changes, noteOwn } from './seen.js';

const CARRIERS = ['client', 'network', 'begeleider', 'other_professional'];

export async function show(main, ctx) {
  const { client, me } = ctx;
  const goals = (await rows(client, 'goals', (g) => g.client === me.id)).sort(newestFirst);
  const steps = await rows(client, 'goal_steps', (s) => goals.some((g) => g.id === s.goal));
  const contacts = await rows(client, 'network_contacts', (c) => c.client === me.id && !c.formal);
  const changed = (await changes(client, me)).length;
  const rerender = () => show(main, ctx);
  const saved = async (collection, id, fields) => { await noteOwn(client, me, collection, id, fields); await rerender(); };
  heading(main, L.my.goalsTitle);
  main.append(nav('goals', changed), el('p', {}, L.my.goalsIntro));
  if (!goals.length) main.append(el('p', {}, L.my.noGoals));
  for (const g of goals) {
    const mine = steps.filter((s) => s.goal === g.id);
    const hid = `goal-${g.id}`;
    main.append(el('article', { class: 'card goal', 'aria-labelledby': hid },
      el('h2', { id: hid }, `“${g.title}”`),
      g.why ? el('p', {}, g.why) : null,
      el('p', { class: 'meta' }, [L.domains[g.life_domain], L.goalStatus[g.status]].filter(Boolean).join(' · ')),
      agreement(client, g, saved),
      goalForm(client, me, g, saved),
      el('h3', {}, L.my.steps),
      mine.length ? CARRIERS.map((c) => stepGroup(client, c, mine.filter((s) => s.carried_by === c), contacts, saved)) : el('p', {}, L.my.noSteps),
      stepForm(client, g, null, contacts, saved)));
  }
  main.append(goalForm(client, me, null, saved));
}

// agreement says whether these are the cliënt's agreed words, or asks.
function agreement(client, g, saved) {
  if (g.agreed_at) return el('p', { class: 'agreed' }, L.my.agreed(day(g.agreed_at)));
  return el('div', { class: 'agree' }, el('p', {}, L.my.notAgreed),
    el('button', { type: 'button', class: 'agree-button', onclick: async () => {
      await client.update('goals', g.id, { agreed_at: storedNow() });
      await saved('goals', g.id, []);
    } }, L.my.agree));
}

function storedNow() {
  return new Date().toISOString().replace('T', ' ');
}

// goalForm writes a new goal, or rewords one (in a fold-out).
function goalForm(client, me, g, saved) {
  const title = el('textarea', { name: 'title', rows: 2 });
  const why = el('textarea', { name: 'why', rows: 2 });
  if (g) { title.value = g.title || ''; why.value = g.why || ''; }
  const error = el('p', { class: 'error', role: 'alert' });
  const f = el('form', { class: g ? 'edit-goal' : 'card new-goal', novalidate: true },
    g ? null : el('h2', {}, L.my.addGoal),
    field(L.my.goal, title), field(L.my.why, why),
    el('button', { type: 'submit', class: 'primary' }, L.save), error);
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const t = title.value.trim();
    if (!t) { error.textContent = L.required; title.focus(); return; }
    if (g) {
      const data = {};
      if (t !== g.title) data.title = t;
      if (why.value.trim() !== (g.why || '')) data.why = why.value.trim();
      if (Object.keys(data).length) await client.update('goals', g.id, data);
      await saved('goals', g.id, Object.keys(data));
    } else {
      const id = await client.create('goals', { client: me.id, title: t, why: why.value.trim(), status: 'idea', agreed_at: storedNow() });
      await saved('goals', id);
    }
  });
  return g ? el('details', { class: 'fold' }, el('summary', {}, L.my.edit), f) : f;
}

function stepGroup(client, carrier, steps, contacts, saved) {
  if (!steps.length) return null;
  return el('section', { class: 'steps' }, el('h4', {}, L.my.stepsBy[carrier]),
    el('ul', { class: 'plain' }, steps.map((s) => {
      const who = s.carried_by === 'network' ? contacts.find((c) => c.id === s.contact)?.name : '';
      return el('li', { class: 'step' }, el('strong', {}, s.description),
        el('span', { class: 'meta' }, [who, L.stepStatus[s.status], day(s.due)].filter(Boolean).join(' · ')),
        stepForm(client, { id: s.goal }, s, contacts, saved));
    })));
}

// stepForm adds a step to a goal, or changes one (s).
function stepForm(client, goal, s, contacts, saved) {
  const key = s ? s.id : `new-${goal.id}`;
  const description = el('input', { name: 'description', autocomplete: 'off', value: s?.description || '' });
  const contact = el('select', { name: 'contact' }, el('option', { value: '' }, L.client.noneChosen),
    contacts.map((c) => el('option', { value: c.id }, c.name)));
  if (s?.contact) contact.value = s.contact;
  const due = el('input', { name: 'due', type: 'date', value: s?.due ? String(s.due).slice(0, 10) : '' });
  const error = el('p', { class: 'error', role: 'alert' });
  const f = el('form', { novalidate: true },
    field(L.my.step, description), choices(L.my.carriedBy, `carried-${key}`, L.my.carriers, { checked: [s?.carried_by || 'client'] }),
    field(L.my.contact, contact),
    s ? choices(L.my.stepStatus, `status-${key}`, L.stepStatus, { checked: [s.status || 'planned'] }) : null,
    field(L.client.due, due), el('button', { type: 'submit' }, s ? L.save : L.my.addStep), error);
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!description.value.trim()) { error.textContent = L.required; description.focus(); return; }
    const carried = picked(f, `carried-${key}`)[0] || 'client';
    const data = { description: description.value.trim(), carried_by: carried, contact: carried === 'network' ? contact.value : '', due: storedDate(due.value) };
    if (s) {
      data.status = picked(f, `status-${key}`)[0] || s.status || 'planned';
      const changedOnly = Object.fromEntries(Object.entries(data).filter(([k, v]) => String(v ?? '') !== String(s[k] ?? '')));
      if (Object.keys(changedOnly).length) await client.update('goal_steps', s.id, changedOnly);
      await saved('goal_steps', s.id, Object.keys(changedOnly));
    } else {
      const id = await client.create('goal_steps', { goal: goal.id, ...data, status: 'planned' });
      await saved('goal_steps', id);
    }
  });
  return el('details', { class: 'fold' }, el('summary', {}, s ? L.my.editStep : L.my.addStep), f);
}
