// Staff the app is not for: a teamadviseur or a coördinator who logs in
// here is told, in plain words, where their work is (the review page),
// and nothing of the teams' data is put on the phone: the app registers
// no device for them.
import { L } from './labels-nl.js';
import { el, heading } from './dom.js';

// FOR are the roles the app serves: begeleiders (users) and cliënten.
export const FOR = new Set(['begeleider', 'client']);

export function show(main, me, { logout }) {
  const text = L.elsewhere[me.role] || L.elsewhere.other;
  heading(main, L.elsewhere.title);
  main.append(
    el('p', {}, text),
    el('p', {}, el('a', { class: 'button primary', href: '/review/' }, L.elsewhere.review)),
    el('p', {}, L.elsewhere.app),
    el('button', { type: 'button', class: 'quiet', onclick: logout }, L.logout),
  );
}
