// outbox.js: queued mutations and pushing them.
//
// Every edit becomes its own mutation, kept in order; a queued mutation is
// never changed afterwards. (Merging edits into one would change a mutation
// that an interrupted push may already have delivered, and its resend
// would then be answered mutation_id_reused.) Each mutation's base holds
// what the person saw, their own earlier unpushed edits included, so the
// server never takes them for someone else's.

import { mutationId, outboxKey } from './ids.js';
import { SyncError, isCode } from './errors.js';
import { changeKey, getRecord, recordWrites } from './records.js';

// enqueue persists the next counter, then queues the mutation made with
// its id, and returns the mutation.
export async function enqueue(client, fields) {
  const inst = client.install;
  const counter = inst.counter + 1;
  await client.saveInstall({ ...inst, counter }); // before the mutation: a crash never reuses a counter
  const m = { mutation_id: mutationId(inst.deviceId, inst.installId, counter), ...fields };
  await client.store.put('outbox', outboxKey(counter), m);
  return m;
}

// versionOf is the server version of the synced record, 0 if none.
export async function versionOf(store, collection, id) {
  const rec = await getRecord(store, collection, id);
  return typeof rec?.version === 'number' ? rec.version : 0;
}

// push sends the outbox in order, in batches of at most client.maxBatch;
// a batch the server finds too large is split in halves. Answered
// mutations leave the outbox; unanswered ones stay and go again as they are.
// Acknowledged ones are kept for the replay window the server advertises
// and go again after a restore (replayKept).
export async function push(client, signal) {
  let size = client.maxBatch;
  for (;;) {
    const batch = (await client.store.all('outbox')).slice(0, size);
    if (batch.length === 0) return;
    let res;
    const body = { mutations: batch.map(([, m]) => m) };
    if (client.install.history) body.history = client.install.history; // refused after a restore
    try {
      res = await client.call('POST', '/api/sync/v1/push', body, signal);
    } catch (err) {
      if (isCode(err, 'cursor_expired') && err.data?.history === 'changed') {
        // The server was restored: what it acknowledged goes again first,
        // and the next pull starts over and learns the new history.
        await client.exclusive(async () => {
          const { ops, inst } = await replayKept(client.store, client.install, client.now(), { cursor: null, history: null });
          await client.store.batch(ops);
          client.install = inst;
        });
        continue;
      }
      if (!isCode(err, 'payload_too_large')) throw err;
      if (batch.length > 1) {
        size = Math.ceil(batch.length / 2);
        continue;
      }
      // One mutation over the server's limit never goes: show it as refused.
      await client.exclusive(() => refuse(client, batch[0], err.plain()));
      continue;
    }
    const results = new Map((res.results ?? []).map((r) => [r.mutation_id, r]));
    const window = res.replay_window_seconds ?? 0;
    const keepUntil = window > 0 ? client.now() + window * 1000 : 0;
    let answered = 0;
    await client.exclusive(async () => {
      const ops = [];
      if (res.history && !client.install.history) {
        client.install = { ...client.install, history: res.history };
        ops.push({ op: 'put', table: 'meta', key: 'install', value: client.install });
      }
      const folded = new Map(); // changeKey -> the record as this batch leaves it (null: deleted)
      for (const [key, m] of batch) {
        const r = results.get(m.mutation_id);
        if (!r) continue;
        answered++;
        ops.push(...(await settle(client.store, folded, key, m, r, keepUntil)));
      }
      ops.push(...(await recordWrites(client.store, folded)));
      await client.store.batch(ops);
    });
    if (answered === 0) {
      throw new SyncError({ code: 'no_progress', message: 'the server answered none of the pushed mutations' });
    }
  }
}

// settle returns the writes that take one answered mutation out of the
// outbox and keep what its result means for the device; the synced record
// it changes goes into folded (written by the caller, chunks at a time).
async function settle(store, folded, key, m, r, keepUntil) {
  const ops = [{ op: 'delete', table: 'outbox', key }];
  const put = (table, k, value) => ops.push({ op: 'put', table, key: k, value });
  if (keepUntil && (r.status === 'applied' || r.status === 'conflict')) {
    put('kept', key, { m, until: keepUntil }); // to send again after a restore, under its outbox key
  }
  const putRecord = (k, value) => folded.set(k, value);
  const rk = changeKey(m.collection, m.id);
  if (r.status === 'applied') {
    // Fold it in as the server now has it, so the next edit's base and
    // base_version are what this device last wrote; the whole record
    // follows with the next pull.
    if (m.op === 'delete') {
      putRecord(rk, null);
    } else {
      const rec = folded.has(rk) ? folded.get(rk) : await getRecord(store, m.collection, m.id);
      if (rec || m.op === 'create') putRecord(rk, { ...(rec ?? { id: m.id }), ...m.data, version: r.version });
    }
  } else if (r.status === 'conflict') {
    putRecord(rk, r.record ?? null);
    put('conflicts', m.mutation_id, { mutation_id: m.mutation_id, collection: m.collection, id: m.id, fields: r.conflict?.fields ?? [] });
  } else {
    put('refused', m.mutation_id, refusedEntry(m, r.error));
  }
  return ops;
}

function refuse(client, [key, m], error) {
  return client.store.batch([
    { op: 'delete', table: 'outbox', key },
    { op: 'put', table: 'refused', key: m.mutation_id, value: refusedEntry(m, error) },
  ]);
}

function refusedEntry(m, error) {
  return {
    mutation_id: m.mutation_id, collection: m.collection, id: m.id, op: m.op, data: m.data ?? {},
    error: { code: error?.code ?? 'internal', message: error?.message ?? '', data: error?.data ?? {} },
  };
}

// replayKept returns the writes that put the acknowledged mutations still
// within their replay window back into the outbox under their old keys
// (so before every newer one, in their order) and empty the kept table,
// and the install with patch applied and replayed counted. The server
// answers those it has from their stored results and applies the others
// (docs/sync-protocol.md, section 9).
export async function replayKept(store, install, now, patch) {
  const ops = [];
  let n = 0;
  for (const [key, k] of await store.all('kept')) {
    ops.push({ op: 'delete', table: 'kept', key });
    if (k.until > now) {
      ops.push({ op: 'put', table: 'outbox', key, value: k.m });
      n++;
    }
  }
  const inst = { ...install, ...patch, replayed: (install.replayed ?? 0) + n };
  ops.push({ op: 'put', table: 'meta', key: 'install', value: inst });
  return { ops, inst };
}
