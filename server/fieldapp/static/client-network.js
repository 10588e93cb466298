// A cliënt's network, drawn as three circles (1 is closest): who they are,
// what they can do, contacts gone quiet and people still wished for.
// Formal help comes last. Phone and e-mail are asked and shown only when
// the cliënt agrees that staff may contact the person.
import { L } from './labels-nl.js';
import { el, field, heading, choices, picked } from './dom.js';
import { rows, one, byTitle } from './data.js';

export async function show(main, ctx, clientID) {
  const { client } = ctx;
  const person = await one(client, 'clients', clientID);
  const contacts = (await rows(client, 'network_contacts', (c) => c.client === clientID)).sort(byTitle);
  heading(main, L.client.networkTitle(person?.name || ''), `#/client/${clientID}`);
  main.append(el('p', {}, L.client.networkIntro));
  const informal = contacts.filter((c) => !c.formal);
  const circles = el('div', { class: 'circles' });
  for (const n of [1, 2, 3]) {
    const here = informal.filter((c) => Number(c.circle) === n);
    circles.append(el('section', { class: `circle circle-${n}` }, el('h2', {}, L.client.circle(n)),
      here.length ? el('ul', { class: 'plain' }, here.map(contactItem)) : el('p', { class: 'hint' }, L.client.emptyCircle)));
  }
  const formal = contacts.filter((c) => c.formal);
  main.append(circles, el('section', { class: 'card' }, el('h2', {}, L.client.formalTitle),
    formal.length ? el('ul', { class: 'plain' }, formal.map(contactItem)) : el('p', { class: 'hint' }, L.client.emptyCircle)),
  contactForm(client, clientID, () => show(main, ctx, clientID)));
}

function contactItem(c) {
  const support = (Array.isArray(c.support) ? c.support : []).map((s) => L.support[s]).filter(Boolean);
  return el('li', { class: `contact ${c.status || 'active'}` },
    el('strong', {}, c.name),
    el('span', { class: 'meta' }, [L.relations[c.relation], c.status && c.status !== 'active' ? L.contactStatus[c.status] : ''].filter(Boolean).join(' · ')),
    support.length ? el('span', {}, L.client.helpsWith(support.join(', '))) : null,
    c.involve_consent && c.phone ? el('a', { href: `tel:${c.phone}` }, c.phone) : null,
    c.involve_consent && c.email ? el('a', { href: `mailto:${c.email}` }, c.email) : null,
    c.note ? el('p', {}, c.note) : null);
}

function contactForm(client, clientID, done) {
  const name = el('input', { name: 'name', autocomplete: 'off' });
  const relation = el('select', { name: 'relation' }, Object.entries(L.relations).map(([v, t]) => el('option', { value: v }, t)));
  const consent = el('input', { type: 'checkbox', name: 'consent' });
  const phone = el('input', { name: 'phone', type: 'tel', autocomplete: 'off' });
  const email = el('input', { name: 'email', type: 'email', autocomplete: 'off' });
  const details = el('div', { hidden: true }, field(L.client.phone, phone), field(L.client.email, email));
  consent.addEventListener('change', () => {
    details.hidden = !consent.checked;
    if (!consent.checked) { phone.value = ''; email.value = ''; }
  });
  const formal = el('input', { type: 'checkbox', name: 'formal' });
  const note = el('textarea', { name: 'note', rows: 2 });
  const error = el('p', { class: 'error', role: 'alert' });
  const f = el('form', { class: 'card', novalidate: true }, el('h2', {}, L.client.addContact),
    field(L.client.contactName, name), field(L.client.relation, relation),
    choices(L.client.circleLabel, 'circle', { 1: L.client.circle(1), 2: L.client.circle(2), 3: L.client.circle(3) }, { checked: ['1'] }),
    choices(L.client.canDo, 'support', L.support, { multiple: true }),
    choices(L.client.contactStatus, 'status', L.contactStatus, { checked: ['active'] }),
    el('label', { class: 'choice' }, formal, el('span', {}, L.client.formal)),
    el('label', { class: 'choice' }, consent, el('span', {}, L.client.consent)), details,
    field(L.client.note, note), el('button', { type: 'submit', class: 'primary' }, L.save), error);
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!name.value.trim()) { error.textContent = L.required; name.focus(); return; }
    const ok = consent.checked;
    await client.create('network_contacts', {
      client: clientID, name: name.value.trim(), relation: relation.value, formal: formal.checked,
      circle: Number(picked(f, 'circle')[0] || 1), support: picked(f, 'support'), status: picked(f, 'status')[0] || 'active',
      involve_consent: ok, phone: ok ? phone.value.trim() : '', email: ok ? email.value.trim() : '', note: note.value.trim(),
    });
    done();
  });
  return f;
}
