// Reading the phone's copy of the data through the sync client. Screens
// filter in JavaScript: a team's records are few, and this keeps them
// independent of the library's filter syntax.

export async function rows(client, collection, pred) {
  const all = (await client.list(collection)) || [];
  return pred ? all.filter(pred) : all;
}

export async function one(client, collection, id) {
  try {
    return (await client.get(collection, id)) || null;
  } catch {
    return null;
  }
}

export function byTitle(a, b) {
  return String(a.title || a.name || '').localeCompare(String(b.title || b.name || ''), 'nl');
}

export function newestFirst(a, b) {
  return String(b.date || b.created || '').localeCompare(String(a.date || a.created || ''));
}

// changedOnly is the part of data that differs from the record as stored:
// an edit sends only what the person changed, so each field's base is
// what they saw and a conflict is about that field alone. A field the
// record lacks counts as its empty value (no text, no choices, not ticked);
// choices ticked in another order are the same choices.
export function changedOnly(data, rec) {
  const same = (v, was) => (Array.isArray(v) ? JSON.stringify([...v].sort()) === JSON.stringify([...(was || [])].sort())
    : JSON.stringify(v) === JSON.stringify(was ?? (typeof v === 'boolean' ? false : '')));
  return Object.fromEntries(Object.entries(data).filter(([k, v]) => !same(v, rec[k])));
}
