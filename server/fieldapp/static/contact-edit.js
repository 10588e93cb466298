// A cliënt's network as three circles (1 is closest), then formal help,
// each person with a fold-out to change them, and a form to add someone;
// shared by the cliënt's own network (my-network.js) and a begeleider's
// view of it (client-network.js). A phone number or e-mail address is
// asked, shown and saved only while the cliënt agrees that staff may
// contact the person (involve_consent). Every edit sends only the fields
// that changed (changedOnly).
//
// A view is { client, V, clientID, saved }: the sync client, the voice
// (labels-nl.js), whose network, and saved(collection, id, fields), called
// after each write with the fields it changed (none: a new contact).
import { L } from './labels-nl.js';
import { el, field, choices, picked } from './dom.js';
import { changedOnly } from './data.js';

// networkMap appends the circles, formal help and the form to add someone.
export function networkMap(main, view, contacts) {
  const list = (here) => (here.length ? el('ul', { class: 'plain' }, here.map((c) => contactItem(view, c))) : el('p', { class: 'hint' }, L.client.emptyCircle));
  const informal = contacts.filter((c) => !c.formal);
  const circles = el('div', { class: 'circles' },
    [1, 2, 3].map((n) => el('section', { class: `circle circle-${n}` }, el('h2', {}, L.client.circle(n)),
      list(informal.filter((c) => Number(c.circle) === n)))));
  main.append(circles,
    el('section', { class: 'card' }, el('h2', {}, L.client.formalTitle), list(contacts.filter((c) => c.formal))),
    contactForm(view, null));
}

function contactItem(view, c) {
  const support = (Array.isArray(c.support) ? c.support : []).map((s) => L.support[s]).filter(Boolean);
  return el('li', { class: `contact ${c.status || 'active'}` },
    el('strong', {}, c.name),
    el('span', { class: 'meta' }, [L.relations[c.relation], c.status && c.status !== 'active' ? L.contactStatus[c.status] : ''].filter(Boolean).join(' · ')),
    support.length ? el('span', {}, L.client.helpsWith(support.join(', '))) : null,
    c.involve_consent && c.phone ? el('p', {}, el('a', { href: `tel:${c.phone}` }, c.phone)) : null,
    c.involve_consent && c.email ? el('p', {}, el('a', { href: `mailto:${c.email}` }, c.email)) : null,
    c.note ? el('p', {}, c.note) : null,
    contactForm(view, c));
}

// contactForm adds someone, or changes a contact (c) in a fold-out.
function contactForm(view, c) {
  const { client, V } = view;
  const key = c ? c.id : 'new';
  const name = el('input', { name: 'name', autocomplete: 'off', value: c?.name || '' });
  const relation = el('select', { name: 'relation' }, Object.entries(L.relations).map(([v, t]) => el('option', { value: v }, t)));
  relation.value = c?.relation || 'friend';
  const consent = el('input', { type: 'checkbox', name: 'consent', checked: !!c?.involve_consent });
  const phone = el('input', { name: 'phone', type: 'tel', autocomplete: 'off', value: c?.phone || '' });
  const email = el('input', { name: 'email', type: 'email', autocomplete: 'off', value: c?.email || '' });
  const details = el('div', { hidden: !c?.involve_consent }, field(L.client.phone, phone), field(L.client.email, email));
  consent.addEventListener('change', () => {
    details.hidden = !consent.checked;
    if (!consent.checked) { phone.value = ''; email.value = ''; }
  });
  const formal = el('input', { type: 'checkbox', name: 'formal', checked: !!c?.formal });
  const note = el('textarea', { name: 'note', rows: 2 });
  note.value = c?.note || '';
  const error = el('p', { class: 'error', role: 'alert' });
  // A contact stored without a circle or status keeps it that way unless
  // the person picks one.
  const circle = c ? (c.circle ? [String(c.circle)] : []) : ['1'];
  const f = el('form', { class: c ? '' : 'card', novalidate: true }, c ? null : el('h2', {}, V.addContact),
    field(V.contactName, name), field(V.relation, relation),
    choices(V.circleLabel, `circle-${key}`, { 1: L.client.circle(1), 2: L.client.circle(2), 3: L.client.circle(3) }, { checked: circle }),
    choices(V.canDo, `support-${key}`, L.support, { multiple: true, checked: Array.isArray(c?.support) ? c.support : [] }),
    choices(V.contactStatus, `status-${key}`, L.contactStatus, { checked: [c ? c.status : 'active'] }),
    el('label', { class: 'choice' }, formal, el('span', {}, V.formal)),
    el('label', { class: 'choice' }, consent, el('span', {}, V.consent)), el('p', { class: 'hint' }, V.consentHint), details,
    field(L.client.note, note), el('button', { type: 'submit', class: 'primary' }, L.save), error);
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!name.value.trim()) { error.textContent = L.required; name.focus(); return; }
    const ok = consent.checked;
    const circleNow = picked(f, `circle-${key}`)[0];
    const data = {
      name: name.value.trim(), relation: relation.value, formal: formal.checked,
      ...(circleNow ? { circle: Number(circleNow) } : {}), support: picked(f, `support-${key}`),
      status: picked(f, `status-${key}`)[0] || c?.status || 'active',
      involve_consent: ok, phone: ok ? phone.value.trim() : '', email: ok ? email.value.trim() : '', note: note.value.trim(),
    };
    if (c) {
      const diff = changedOnly(data, c);
      if (Object.keys(diff).length) await client.update('network_contacts', c.id, diff);
      await view.saved('network_contacts', c.id, Object.keys(diff));
    } else {
      await view.saved('network_contacts', await client.create('network_contacts', { client: view.clientID, ...data }));
    }
  });
  return c ? el('details', { class: 'fold' }, el('summary', {}, V.editContact, el('span', { class: 'visually-hidden' }, `: ${c.name}`)), f) : f;
}
