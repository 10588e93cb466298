// scenarios.test.mjs runs one protocol scenario of sync/testdata/scenarios
// (named by SAMENSPEL_SCENARIO; the language is in its README.md) through
// SyncClient. The Go client runs the same files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { newClient, rest, tokens, world } from './testenv.mjs';

const scenario = JSON.parse(readFileSync(process.env.SAMENSPEL_SCENARIO, 'utf8'));

// expand replaces $Name in every string by a World id or a ref.
function expand(v, names) {
  if (typeof v === 'string') return v.replace(/\$([A-Za-z0-9_]+)/g, (m, n) => names[n] ?? m);
  if (Array.isArray(v)) return v.map((x) => expand(x, names));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expand(x, names)]));
  return v;
}

test(scenario.name, async () => {
  const names = { ...world };
  const devices = {};
  for (const [i, raw] of scenario.steps.entries()) {
    const step = expand(raw, names);
    const where = `step ${i + 1} ${JSON.stringify(raw)}`;
    const dev = devices[step.as];
    if (step.expect) {
      await expect(dev, step.expect, where);
      continue;
    }
    switch (step.do) {
      case 'register':
        devices[step.as] = await newClient(step.person);
        break;
      case 'sync': {
        const st = await dev.sync();
        assert.equal(st.lastError?.code ?? '', step.error ?? '', `${where}: ${JSON.stringify(st.lastError)}`);
        break;
      }
      case 'create':
        names[step.ref] = await dev.create(step.collection, step.data);
        break;
      case 'update':
        await dev.update(step.collection, step.id, step.data);
        break;
      case 'delete':
        await dev.remove(step.collection, step.id);
        break;
      case 'rest':
        await rest(tokens[step.as], step.method, step.path, step.body);
        break;
      case 'revoke':
        await rest(tokens[step.as], 'POST', `/api/sync/v1/devices/${devices[step.device].deviceId}/revoke`);
        break;
      default:
        throw new Error(`${where}: unknown step`);
    }
  }
});

async function expect(dev, want, where) {
  const st = dev.status();
  if ('pending' in want) assert.equal(st.pendingChanges, want.pending, `${where}: pending`);
  if ('refused' in want) assert.equal(st.refused.length, want.refused, `${where}: refused ${JSON.stringify(st.refused)}`);
  if ('conflicts' in want) assert.equal(st.conflicts.length, want.conflicts, `${where}: conflicts`);
  if ('revoked' in want) assert.equal(st.revoked, want.revoked, `${where}: revoked`);
  if (!want.collection) return;
  const rec = await dev.get(want.collection, want.id);
  if (want.absent) {
    assert.equal(rec, null, `${where}: want no record`);
    return;
  }
  assert.ok(rec, `${where}: no record`);
  for (const [k, v] of Object.entries(want.fields ?? {})) assert.deepEqual(rec[k], v, `${where}: field ${k}`);
}
