// A small DOM builder. Text always goes in as text nodes, never as markup,
// so whatever a person typed is shown and never run.

import { L } from './labels-nl.js';

export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'value') node.value = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(node, c);
    else node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

let uid = 0;
// field is a label with its input, tied by a fresh id.
export function field(label, input, hint) {
  const id = input.id || `f${++uid}`;
  input.id = id;
  const hintEl = hint ? el('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
  return el('div', { class: 'field' }, el('label', { for: id }, label), hintEl, input);
}

// choices is a fieldset of radio buttons or checkboxes with big tap targets.
export function choices(legend, name, options, { multiple = false, checked = [] } = {}) {
  return el('fieldset', { class: 'choices' }, el('legend', {}, legend),
    Object.entries(options).map(([value, label]) => el('label', { class: 'choice' },
      el('input', { type: multiple ? 'checkbox' : 'radio', name, value, checked: checked.includes(value) }),
      el('span', {}, label))));
}

// picked returns the checked values of a group in a form.
export function picked(form, name) {
  return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
}

export function heading(main, text, back) {
  main.replaceChildren();
  if (back) main.append(el('a', { class: 'back', href: back }, '← ', L.back));
  const h = el('h1', { tabindex: '-1' }, text);
  main.append(h);
  return h;
}

// day turns a stored date into Dutch words ("7 maart 2026").
export function day(s) {
  if (!s) return '';
  const d = new Date(String(s).replace(' ', 'T'));
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleDateString('nl-NL', { day: 'numeric', month: 'long', year: 'numeric' });
}

// time turns a timestamp into Dutch words with the time of day.
export function time(t) {
  if (!t) return '';
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString('nl-NL', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

// storedDate is how a date input's day is written to a date field: noon
// UTC, so the day is the same in every Dutch time zone.
export function storedDate(value) {
  return value ? `${value} 12:00:00.000Z` : '';
}
