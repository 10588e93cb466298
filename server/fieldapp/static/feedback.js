// The teamadviseur's feedback to the team, to read. The domain says a team
// may answer it, but the feedback collection has no field or collection
// for an answer yet and its rules let only the teamadviseur write, so this
// screen shows the feedback read-only and says so.
import { L } from './labels-nl.js';
import { el, heading, day } from './dom.js';
import { rows, newestFirst } from './data.js';

export async function show(main, { client }, teamID) {
  const notes = (await rows(client, 'feedback', (f) => f.team === teamID)).sort(newestFirst);
  const safaris = await rows(client, 'safaris', (s) => s.team === teamID);
  const found = await rows(client, 'observations', (o) => safaris.some((s) => s.id === o.safari));
  heading(main, L.feedback.title, `#/team/${teamID}`);
  main.append(el('p', {}, L.feedback.intro), el('p', { class: 'hint' }, L.feedback.readOnly));
  if (!notes.length) { main.append(el('p', {}, L.feedback.none)); return; }
  main.append(el('ul', { class: 'cards' }, notes.map((f) => {
    const about = found.find((o) => o.id === f.observation)?.title || safaris.find((s) => s.id === f.safari)?.title;
    return el('li', { class: 'card' },
      el('p', { class: 'meta' }, [L.feedbackKinds[f.kind], day(f.created)].filter(Boolean).join(' · ')),
      el('p', {}, f.text), about ? el('p', { class: 'meta' }, L.feedback.about(about)) : null);
  })));
}
