'use strict';

// "Wie keek er in mijn gegevens": who read or changed the client's data,
// newest first, from GET /api/me/v1/access. The server writes each line in
// plain Dutch; this only lists them, page by page.
window.samenspelAccess = (function () {
  const s = window.samenspel;
  const $ = (id) => document.getElementById(id);
  let before = 0;

  async function load(more) {
    if (!more) {
      before = 0;
      $('access').replaceChildren();
    }
    const r = await s.api('/api/me/v1/access' + (before ? '?before=' + before : ''));
    if (!r.ok) {
      $('access').replaceChildren(s.el('li', { class: 'empty' }, 'Dit kon nu niet worden opgehaald. Probeer het later nog eens.'));
      $('access-more').hidden = true;
      return;
    }
    const items = r.body.items || [];
    if (!items.length && !more) {
      $('access').replaceChildren(s.el('li', { class: 'empty' }, 'Nog niemand anders keek in je gegevens.'));
    }
    $('access').append(...items.map((it) => s.el('li', {}, it.text)));
    before = r.body.next_before || 0;
    $('access-more').hidden = !before;
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('access-more').addEventListener('click', () => load(true));
  });
  return { load: () => load(false) };
})();
