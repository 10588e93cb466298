// view.js: the local view, what the person sees on the device: the synced
// records with their own pending mutations applied on top, in order
// (creates shown, updates merged, deletes hidden).

import { allRecords, getRecord } from './records.js';

// applyMutation returns rec (or null) with one queued mutation applied.
export function applyMutation(rec, m) {
  switch (m.op) {
    case 'create':
      return { ...(rec ?? {}), ...m.data, id: m.id };
    case 'update':
      return rec ? { ...rec, ...m.data } : null;
    case 'delete':
      return null;
  }
  return rec;
}

// viewOne returns a record of the local view, or null.
export async function viewOne(store, collection, id) {
  let rec = (await getRecord(store, collection, id)) ?? null;
  for (const [, m] of await store.all('outbox')) {
    if (m.collection === collection && m.id === id) rec = applyMutation(rec, m);
  }
  return rec;
}

// viewAll returns the local view of a collection, by id.
export async function viewAll(store, collection) {
  const byId = new Map();
  for (const rec of await allRecords(store, collection)) byId.set(rec.id, rec);
  for (const [, m] of await store.all('outbox')) {
    if (m.collection !== collection) continue;
    const rec = applyMutation(byId.get(m.id) ?? null, m);
    if (rec) byId.set(m.id, rec);
    else byId.delete(m.id);
  }
  return [...byId.keys()].sort().map((id) => byId.get(id));
}
