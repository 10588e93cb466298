// Charts of the review summary as plain HTML: each bar is a list item with
// its label and value as text (what a screen reader reads), and a drawn
// bar beside it that is hidden from assistive technology.
//
// Counts below 5 arrive as the string "<5". They are shown as "minder dan
// 5" with a hatched bar reaching up to 5, the most it can be, on a scale
// of at least 10; the page never turns them into a number. Counts of 5 or
// more that the server withholds (so that no "<5" can be worked out from
// the others) arrive as "≥5": shown as "5 of meer", with a hatched bar
// from 5.

import { el } from './dom.js';

export const LT5 = '<5';
export const GE5 = '≥5';

export function isCount(v) {
  return (typeof v === 'number' && Number.isFinite(v)) || v === LT5 || v === GE5;
}

// count is a count as text: a Dutch number, or "minder dan 5".
export function count(v) {
  if (v === LT5) return 'minder dan 5';
  if (v === GE5) return '5 of meer';
  if (typeof v === 'number' && Number.isFinite(v)) return v.toLocaleString('nl-NL');
  return '–';
}

// percent is a share (0..1) as a whole percentage.
export function percent(share) {
  return `${Math.round(share * 100)}%`;
}

// SCALE_FLOOR is the least a bar chart's scale reaches, so a "<5" bar
// (drawn up to 5, the most it can be) never fills more than half the
// track, and a team with few records does not get long bars for them.
const SCALE_FLOOR = 10;

function upper(v) {
  return v === LT5 || v === GE5 ? 5 : v;
}

// rows lists the counts of obj in the order of labels, then any key the
// page does not know yet; keys that are missing are left out.
function rows(obj, labels) {
  if (!obj || typeof obj !== 'object') return [];
  const keys = [...Object.keys(labels), ...Object.keys(obj).filter((k) => !Object.hasOwn(labels, k))];
  return keys.filter((k) => isCount(obj[k])).map((k) => ({ key: k, label: labels[k] ?? k, value: obj[k] }));
}

// bars is a horizontal bar chart of obj's counts. opts.highlight is a set
// of keys drawn in the accent colour; opts.figure prefixes data-figure.
export function bars(title, obj, labels, opts = {}) {
  const rs = rows(obj, labels);
  const id = `chart-${(opts.figure || title).replace(/[^a-z0-9]+/gi, '-')}`;
  if (!rs.length) {
    return el('div', { class: 'chart' }, el('h4', { id }, title), el('p', { class: 'empty' }, 'Geen gegevens.'));
  }
  const max = Math.max(SCALE_FLOOR, ...rs.map((r) => upper(r.value)));
  const list = el('ul', { class: 'bars', 'aria-labelledby': id });
  for (const r of rs) {
    const fill = el('span', { class: 'fill' });
    fill.style.width = `${(upper(r.value) / max) * 100}%`; // CSSOM: allowed under the page's CSP
    const cls = ['bar', r.value === LT5 && 'lt5', r.value === GE5 && 'ge5', opts.highlight?.has(r.key) && 'accent'].filter(Boolean).join(' ');
    list.append(el('li', { class: cls, dataset: { key: r.key } },
      el('span', { class: 'label' }, r.label),
      el('span', { class: 'track', 'aria-hidden': 'true' }, fill),
      el('span', { class: 'value', dataset: { figure: opts.figure ? `${opts.figure}.${r.key}` : undefined } }, count(r.value)),
    ));
  }
  return el('div', { class: 'chart' }, el('h4', { id }, title), list);
}

const monthFormat = new Intl.DateTimeFormat('nl-NL', { month: 'long', year: 'numeric', timeZone: 'UTC' });

function monthLabel(m) {
  const d = new Date(`${m}-01T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? String(m) : monthFormat.format(d);
}

// months is the safaris per month as bars, one per month in the order
// given (the API lists every month of the period, empty ones too).
export function months(title, list, figure) {
  const ms = (Array.isArray(list) ? list : []).filter((m) => m && typeof m.month === 'string' && isCount(m.count));
  if (!ms.length) {
    return el('div', { class: 'chart' }, el('h4', {}, title), el('p', { class: 'empty' }, "Geen safari's in deze periode."));
  }
  const obj = Object.fromEntries(ms.map((m) => [m.month, m.count]));
  const labels = Object.fromEntries(ms.map((m) => [m.month, monthLabel(m.month)]));
  return bars(title, obj, labels, { figure });
}

// figure is one big number with what it counts.
export function figure(label, value, name, text) {
  return el('p', { class: value === LT5 || value === GE5 ? 'figure lt5' : 'figure' },
    el('span', { class: 'big', dataset: { figure: name } }, text ?? count(value)),
    el('span', { class: 'what' }, label));
}
