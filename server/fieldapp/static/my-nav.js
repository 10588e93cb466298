// The cliënt's screens share one small menu, in the order of the plan:
// my goals first, then my network, then the wijksafari, then what
// changed.
import { L } from './labels-nl.js';
import { el } from './dom.js';
const items = [
  ['#/mijn/doelen', 'goals'],
  ['#/mijn/netwerk', 'network'],
  ['#/mijn/wijksafari', 'safaris'],
  ['#/mijn/veranderd', 'changes'],
];

// nav is the menu with the current screen marked for screen readers.
export function nav(current, badge) {
  return el('nav', { class: 'my-nav', 'aria-label': L.my.nav },
    el('ul', {}, items.map(([href, key]) => el('li', {},
      el('a', { href, 'aria-current': key === current ? 'page' : null },
        L.my[key], key === 'changes' && badge ? el('span', { class: 'badge' }, ` (${badge})`) : null)))));
}
