// What the cliënt last saw of their plan, kept in the phone's store (so a
// wipe takes it too): per record, the fields a person reads. Comparing it
// with the records now shows what someone else changed since. The cliënt's
// own edits are noted as seen when they make them.

const TABLE = 'seen';
export const WATCHED = {
  goals: ['title', 'why', 'status', 'life_domain'],
  goal_steps: ['description', 'carried_by', 'status', 'due'],
  network_contacts: ['name', 'relation', 'circle', 'support', 'status', 'note'],
};

function pick(collection, rec) {
  const out = {};
  for (const f of WATCHED[collection]) out[f] = rec[f] ?? '';
  return out;
}

async function load(client, me) {
  return (await client.store.get(TABLE, me.id)) || null;
}

// snapshot is what the records look like now, for the snapshot.
async function current(client) {
  const now = {};
  for (const c of Object.keys(WATCHED)) {
    for (const r of await client.list(c)) now[`${c}/${r.id}`] = pick(c, r);
  }
  return now;
}

// markSeen takes the records as they are now as seen.
export async function markSeen(client, me) {
  await client.store.put(TABLE, me.id, await current(client));
}

// noteOwn marks what the cliënt just wrote as seen: the fields they
// changed (fields), or the whole record they made (no fields). Other
// fields keep what was seen, so someone else's change still shows.
export async function noteOwn(client, me, collection, id, fields) {
  const snap = await load(client, me);
  if (!snap) return;
  const rec = await client.get(collection, id);
  const key = `${collection}/${id}`;
  if (!rec) return;
  const now = pick(collection, rec);
  if (!fields || !snap[key]) snap[key] = now;
  else for (const f of fields) if (f in now) snap[key][f] = now[f];
  await client.store.put(TABLE, me.id, snap);
}

// changes lists what differs from the snapshot: [{collection, id, field,
// was, now}] with field '' for a record added or removed. The first time
// there is no snapshot: what is there now is the start.
export async function changes(client, me) {
  const snap = await load(client, me);
  const now = await current(client);
  if (!snap) {
    await client.store.put(TABLE, me.id, now);
    return [];
  }
  const out = [];
  for (const [key, rec] of Object.entries(now)) {
    const [collection, id] = key.split('/');
    const was = snap[key];
    if (!was) { out.push({ collection, id, field: '', was: null, now: rec }); continue; }
    for (const f of WATCHED[collection]) {
      if (JSON.stringify(was[f] ?? '') !== JSON.stringify(rec[f] ?? '')) out.push({ collection, id, field: f, was: was[f], now: rec[f] });
    }
  }
  for (const [key, was] of Object.entries(snap)) {
    if (!now[key]) {
      const [collection, id] = key.split('/');
      out.push({ collection, id, field: '', was, now: null });
    }
  }
  return out;
}
