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
