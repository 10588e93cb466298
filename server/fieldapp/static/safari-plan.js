// Planning a wijksafari: a name, where, when, which cliënten join, and the
// concrete questions the walk is guided by (from a starter set taken from
// the source text, or their own).
import { L } from './labels-nl.js';
import { el, field, heading, choices, picked, storedDate } from './dom.js';
import { rows, one, byTitle } from './data.js';

export async function show(main, { client, me, go }, teamID) {
  const team = await one(client, 'teams', teamID);
  const clients = (await rows(client, 'clients', (c) => c.team === teamID)).sort(byTitle);
  heading(main, L.plan.title, `#/team/${teamID}`);
  main.append(el('p', {}, L.plan.intro));

  const title = el('input', { name: 'title', required: true, autocomplete: 'off' });
  const area = el('input', { name: 'area', value: team?.area || '', autocomplete: 'off' });
  const date = el('input', { name: 'date', type: 'date', value: new Date().toISOString().slice(0, 10) });
  const questions = choices(L.plan.questions, 'q', Object.fromEntries(L.starterQuestions.map((q) => [q, q])), { multiple: true });
  questions.append(el('p', { class: 'hint' }, L.plan.questionsHint));
  const own = el('input', { name: 'own', autocomplete: 'off' });
  const addOwn = el('button', { type: 'button' }, L.plan.addQuestion);
  addOwn.addEventListener('click', () => {
    const q = own.value.trim();
    if (!q) return;
    questions.insertBefore(el('label', { class: 'choice' },
      el('input', { type: 'checkbox', name: 'q', value: q, checked: true }), el('span', {}, q)), questions.querySelector('.hint'));
    own.value = '';
    own.focus();
  });
  const error = el('p', { class: 'error', role: 'alert' });
  const form = el('form', { novalidate: true },
    field(L.plan.name, title), field(L.plan.area, area), field(L.plan.date, date),
    clients.length ? choices(L.plan.clients, 'clients', Object.fromEntries(clients.map((c) => [c.id, c.name])), { multiple: true }) : null,
    questions, field(L.plan.ownQuestion, own), addOwn,
    el('button', { type: 'submit', class: 'primary' }, L.plan.submit), error);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!title.value.trim()) { error.textContent = L.required; title.focus(); return; }
    const pending = own.value.trim();
    const id = await client.create('safaris', {
      team: teamID, title: title.value.trim(), area: area.value.trim(), date: storedDate(date.value),
      begeleiders: me.role === 'client' ? [] : [me.id], clients: picked(form, 'clients'),
      questions: [...picked(form, 'q'), ...(pending ? [pending] : [])], status: 'planned',
    });
    go(`/safari/${id}/walk`);
  });
  main.append(form);
}
