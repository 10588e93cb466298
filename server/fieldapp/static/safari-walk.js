// Walking a wijksafari: the questions at hand, and logging what the group
// finds in a few taps: what it is, a short name, a note, the drempel, the
// place only when the person taps "hier", and photos from the camera. All
// of it is kept on the phone and sent when there is a network.
import { L } from './labels-nl.js';
import { el, field, heading, choices, picked } from './dom.js';
import { rows, one } from './data.js';

export async function show(main, ctx, safariID) {
  const { client } = ctx;
  const safari = await one(client, 'safaris', safariID);
  if (!safari) { ctx.go('/'); return; }
  heading(main, L.walk.title(safari.title), `#/team/${safari.team}`);
  const questions = Array.isArray(safari.questions) ? safari.questions : [];
  if (questions.length) {
    main.append(el('details', { class: 'questions', open: true }, el('summary', {}, L.walk.questions),
      el('ul', {}, questions.map((q) => el('li', {}, q)))));
  }
  const list = el('section', { 'aria-labelledby': 'found' });
  main.append(form(ctx, safari, () => drawFound(list, client, safariID)), list,
    el('a', { class: 'button', href: `#/safari/${safariID}/finish` }, L.walk.finish));
  await drawFound(list, client, safariID);
}

function form(ctx, safari, refresh) {
  const { client, me } = ctx;
  const title = el('input', { name: 'title', required: true, autocomplete: 'off' });
  const note = el('textarea', { name: 'note', rows: 3 });
  const kind = choices(L.walk.kind, 'kind', L.kinds, { checked: ['place'] });
  kind.classList.add('kinds');
  const threshold = choices(L.walk.threshold, 'threshold', { ...L.thresholds, '': L.walk.thresholdNone }, { checked: [''] });
  let location = null;
  const where = el('p', { class: 'hint', role: 'status' });
  const here = el('button', { type: 'button', class: 'here' }, L.walk.here);
  here.addEventListener('click', () => {
    if (location) { location = null; here.textContent = L.walk.here; where.textContent = ''; return; }
    where.textContent = L.walk.hereBusy;
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        location = { lat: pos.coords.latitude, lon: pos.coords.longitude };
        where.textContent = L.walk.hereSaved;
        here.textContent = L.walk.hereRemove;
      },
      () => { where.textContent = L.walk.hereFailed; },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 });
  });
  const photos = el('input', { name: 'photos', type: 'file', accept: 'image/*', capture: 'environment', multiple: true });
  const chosen = el('p', { class: 'hint', role: 'status' });
  photos.addEventListener('change', () => { chosen.textContent = photos.files.length ? L.walk.photosChosen(photos.files.length) : ''; });
  const error = el('p', { class: 'error', role: 'alert' });
  const saved = el('p', { class: 'saved', role: 'status' });
  const f = el('form', { class: 'card', novalidate: true, 'aria-labelledby': 'add' },
    el('h2', { id: 'add' }, L.walk.add), kind, field(L.walk.name, title), field(L.walk.note, note), threshold,
    el('div', { class: 'field' }, here, where), field(L.walk.photos, photos), chosen,
    el('button', { type: 'submit', class: 'primary' }, L.walk.submit), error, saved);
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.textContent = '';
    if (!title.value.trim()) { error.textContent = L.required; title.focus(); return; }
    const data = {
      safari: safari.id, kind: picked(f, 'kind')[0] || 'other', title: title.value.trim(), note: note.value.trim(),
      threshold: picked(f, 'threshold')[0] || '',
    };
    if (location) data.location = location; // a geoPoint: {lon, lat}
    if (me.role === 'client') data.author_client = me.id; else data.author_user = me.id;
    const id = await client.create('observations', data);
    for (const file of photos.files) await client.addPhoto(id, file, { contentType: file.type || 'image/jpeg' });
    saved.textContent = L.walk.saved(data.title);
    f.reset();
    location = null;
    here.textContent = L.walk.here;
    where.textContent = '';
    chosen.textContent = '';
    await refresh();
    title.focus();
  });
  return f;
}

async function drawFound(list, client, safariID) {
  const found = (await rows(client, 'observations', (o) => o.safari === safariID))
    .sort((a, b) => String(b.created || '').localeCompare(String(a.created || '')));
  const items = [];
  for (const o of found) {
    const mine = await client.photos(o.id); // stored ones and those still on the phone
    const thumbs = [];
    for (const m of mine) {
      try {
        let url = await client.photoURL(m.id);
        if (url && !url.startsWith('blob:')) {
          const blob = await client.photoBlob(m.id);
          url = blob ? URL.createObjectURL(blob) : null;
        }
        if (url) thumbs.push(el('img', { src: url, alt: o.title, class: 'thumb' }));
      } catch { /* the photo is on its way */ }
    }
    items.push(el('li', { class: 'found' },
      el('strong', {}, o.title),
      el('span', { class: 'meta' }, [L.kinds[o.kind], L.thresholds[o.threshold], mine.length ? L.walk.photoCount(mine.length) : ''].filter(Boolean).join(' · ')),
      o.note ? el('p', {}, o.note) : null, thumbs.length ? el('div', { class: 'thumbs' }, thumbs) : null));
  }
  list.replaceChildren(el('h2', { id: 'found' }, L.walk.found),
    items.length ? el('ul', { class: 'cards' }, items) : el('p', {}, L.walk.nothingYet));
}
