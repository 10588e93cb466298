// The teamadviseur's feedback to the team, and the team's answers: under
// each note its answers, oldest first, and for a begeleider a box to
// answer. An answer is a feedback record with answer_to set, in the note's
// team; like every write it waits on the phone until there is a network.
// The app knows no colleague's name (it syncs no staff), so an answer says
// who wrote it as far as the phone can tell: you, the teamadviseur who
// wrote the note, or someone of the team.
import { L } from './labels-nl.js';
import { el, field, heading, day } from './dom.js';
import { rows, newestFirst } from './data.js';

export async function show(main, ctx, teamID) {
  heading(main, L.feedback.title, `#/team/${teamID}`);
  main.append(el('p', {}, L.feedback.intro), el('p', { class: 'hint' }, L.feedback.whoReads));
  const list = el('div');
  main.append(list);
  await draw(list, ctx, teamID);
}

async function draw(list, ctx, teamID, saved) {
  const { client } = ctx;
  const all = await rows(client, 'feedback', (f) => f.team === teamID);
  const notes = all.filter((f) => !f.answer_to).sort(newestFirst);
  const safaris = await rows(client, 'safaris', (s) => s.team === teamID);
  const found = await rows(client, 'observations', (o) => safaris.some((s) => s.id === o.safari));
  if (!notes.length) { list.replaceChildren(el('p', {}, L.feedback.none)); return; }
  list.replaceChildren(el('ul', { class: 'cards' }, notes.map((f) => {
    const about = found.find((o) => o.id === f.observation)?.title || safaris.find((s) => s.id === f.safari)?.title;
    const answers = all.filter((a) => a.answer_to === f.id).sort(oldestFirst);
    return el('li', { class: 'card note' },
      el('p', { class: 'meta' }, [L.feedbackKinds[f.kind], day(f.created)].filter(Boolean).join(' · ')),
      el('p', {}, f.text), about ? el('p', { class: 'meta' }, L.feedback.about(about)) : null,
      answers.length ? el('ul', { class: 'answers', 'aria-label': L.feedback.answers }, answers.map((a) => el('li', {},
        el('p', { class: 'meta' }, [writer(a, f, ctx.me), a.created ? day(a.created) : L.feedback.waiting].join(' · ')),
        el('p', {}, a.text)))) : null,
      ctx.me.role === 'begeleider' ? form(ctx, f, () => draw(list, ctx, teamID, f.id), saved === f.id) : null);
  })));
  if (saved) list.querySelector('.note .saved:not(:empty)')?.focus();
}

function form(ctx, note, refresh, justSaved) {
  const text = el('textarea', { name: 'answer', rows: 3, maxlength: 5000 });
  const error = el('p', { class: 'error', role: 'alert' });
  const saved = el('p', { class: 'saved', role: 'status', tabindex: '-1' }, justSaved ? L.feedback.saved : '');
  const f = el('form', { class: 'answer', novalidate: true },
    field(L.feedback.yourAnswer, text), el('button', { type: 'submit', class: 'primary' }, L.feedback.send), error, saved);
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.textContent = '';
    if (!text.value.trim()) { error.textContent = L.required; text.focus(); return; }
    await ctx.client.create('feedback', { team: note.team, answer_to: note.id, author: ctx.me.id, text: text.value.trim() });
    await refresh();
  });
  return f;
}

function writer(answer, note, me) {
  if (answer.author === me.id) return L.feedback.byMe;
  if (answer.author === note.author) return L.feedback.byAdviser;
  return L.feedback.byTeam;
}

// oldestFirst puts answers in the order they were written; one still on
// the phone (no server date yet) comes last.
function oldestFirst(a, b) {
  return String(a.created || '\uffff').localeCompare(String(b.created || '\uffff'));
}
