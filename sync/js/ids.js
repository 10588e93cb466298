// ids.js makes the ids a device needs: record ids (PocketBase's 15
// characters of [a-z0-9], made offline so records created on the device can
// point at each other), device and install ids, and mutation ids.

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

// randomString returns n characters of [a-z0-9] from the platform's
// cryptographic random source, without modulo bias (bytes at or above
// 252 = 7 * 36 are drawn again).
export function randomString(n) {
  let out = '';
  while (out.length < n) {
    const bytes = new Uint8Array(n * 2);
    globalThis.crypto.getRandomValues(bytes);
    for (const b of bytes) {
      if (b < 252 && out.length < n) out += ALPHABET[b % 36];
    }
  }
  return out;
}

// newId returns a record id: 15 characters [a-z0-9].
export function newId() {
  return randomString(15);
}

// newDeviceId returns a random device id (the server takes [A-Za-z0-9_-]{1,64}).
export function newDeviceId() {
  return 'web' + randomString(17);
}

// mutationId is unique per installation forever: the device id, a random
// id per installation (a reinstall never reuses a counter the server has a
// result for) and a counter persisted before the mutation is queued.
export function mutationId(deviceId, installId, counter) {
  return `${deviceId}-${installId}-${counter}`;
}

// outboxKey orders the outbox by counter in any store that sorts keys as
// strings.
export function outboxKey(counter) {
  return String(counter).padStart(12, '0');
}

// sha256Hex returns the hex SHA-256 of bytes (needs crypto.subtle: a
// secure context in browsers, i.e. https or localhost).
export async function sha256Hex(bytes) {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
