// My network: the people in the cliënt's life in three circles (1 is
// closest), who they are to me and what they can do, then formal help
// last. A phone number or e-mail address is asked and shown only when I
// agree that my begeleider may contact the person.
import { L } from './labels-nl.js';
import { el, field, heading, choices, picked } from './dom.js';
import { rows, byTitle } from './data.js';
import { nav } from './my-nav.js';
import { changes, noteOwn } from './seen.js';

export async function show(main, ctx) {
  const { client, me } = ctx;
  const contacts = (await rows(client, 'network_contacts', (c) => c.client === me.id)).sort(byTitle);
  const changed = (await changes(client, me)).length;
  const saved = async (id, fields) => { await noteOwn(client, me, 'network_contacts', id, fields); await show(main, ctx); };
  heading(main, L.my.networkTitle);
  main.append(nav('network', changed), el('p', {}, L.my.networkIntro));
  const informal = contacts.filter((c) => !c.formal);
  const circles = el('div', { class: 'circles' });
  for (const n of [1, 2, 3]) {
    const here = informal.filter((c) => Number(c.circle) === n);
    circles.append(el('section', { class: `circle circle-${n}` }, el('h2', {}, L.client.circle(n)),
      here.length ? el('ul', { class: 'plain' }, here.map((c) => contactItem(client, me, c, saved))) : el('p', { class: 'hint' }, L.client.emptyCircle)));
  }
  const formal = contacts.filter((c) => c.formal);
  main.append(circles, el('section', { class: 'card' }, el('h2', {}, L.client.formalTitle),
    formal.length ? el('ul', { class: 'plain' }, formal.map((c) => contactItem(client, me, c, saved))) : el('p', { class: 'hint' }, L.client.emptyCircle)),
  contactForm(client, me, null, saved));
}

function contactItem(client, me, c, saved) {
  const support = (Array.isArray(c.support) ? c.support : []).map((s) => L.support[s]).filter(Boolean);
  return el('li', { class: 'contact' },
    el('strong', {}, c.name),
    el('span', { class: 'meta' }, [L.relations[c.relation], c.status && c.status !== 'active' ? L.contactStatus[c.status] : ''].filter(Boolean).join(' · ')),
    support.length ? el('span', {}, L.client.helpsWith(support.join(', '))) : null,
    c.involve_consent && c.phone ? el('p', {}, el('a', { href: `tel:${c.phone}` }, c.phone)) : null,
    c.involve_consent && c.email ? el('p', {}, el('a', { href: `mailto:${c.email}` }, c.email)) : null,
    c.note ? el('p', {}, c.note) : null,
    contactForm(client, me, c, saved));
}

// contactForm adds someone, or changes a contact (c) in a fold-out.
function contactForm(client, me, c, saved) {
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
  const f = el('form', { class: c ? '' : 'card', novalidate: true }, c ? null : el('h2', {}, L.my.addContact),
    field(L.my.contactName, name), field(L.my.relation, relation),
    choices(L.my.circleLabel, `circle-${key}`, { 1: L.client.circle(1), 2: L.client.circle(2), 3: L.client.circle(3) }, { checked: [String(c?.circle || 1)] }),
    choices(L.my.canDo, `support-${key}`, L.support, { multiple: true, checked: Array.isArray(c?.support) ? c.support : [] }),
    choices(L.my.contactStatus, `status-${key}`, L.contactStatus, { checked: [c?.status || 'active'] }),
    el('label', { class: 'choice' }, formal, el('span', {}, L.my.formal)),
    el('label', { class: 'choice' }, consent, el('span', {}, L.my.consent)), el('p', { class: 'hint' }, L.my.consentHint), details,
    field(L.client.note, note), el('button', { type: 'submit', class: 'primary' }, L.save), error);
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!name.value.trim()) { error.textContent = L.required; name.focus(); return; }
    const ok = consent.checked;
    const data = {
      name: name.value.trim(), relation: relation.value, formal: formal.checked,
      circle: Number(picked(f, `circle-${key}`)[0] || 1), support: picked(f, `support-${key}`), status: picked(f, `status-${key}`)[0] || 'active',
      involve_consent: ok, phone: ok ? phone.value.trim() : '', email: ok ? email.value.trim() : '', note: note.value.trim(),
    };
    if (c) {
      const diff = Object.fromEntries(Object.entries(data).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(c[k] ?? (Array.isArray(v) ? [] : typeof v === 'boolean' ? false : ''))));
      if (Object.keys(diff).length) await client.update('network_contacts', c.id, diff);
      await saved(c.id, Object.keys(diff));
    } else {
      await saved(await client.create('network_contacts', { client: me.id, ...data }));
    }
  });
  return c ? el('details', { class: 'fold' }, el('summary', {}, L.my.editContact, el('span', { class: 'visually-hidden' }, `: ${c.name}`)), f) : f;
}
