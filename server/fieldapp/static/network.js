// Whether the server can be reached, as far as this page knows. The
// browser's navigator.onLine only says whether there is a network at all:
// it stays true on a Wi-Fi without internet, and after a reload in a
// phone's airplane mode some browsers report true until the first request
// fails. So the page asks the server once when it starts and again when
// the browser says the network is back, and every finished sync tells it
// too. null means not known yet.
let reachable = navigator.onLine ? null : false;
const listeners = new Set();

export function known() {
  return navigator.onLine ? reachable : false;
}

export function note(value) {
  if (reachable === value) return;
  reachable = value;
  for (const fn of listeners) fn();
}

export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// probe asks the server's health endpoint (never cached: the service
// worker sends /api/ to the network). It resolves after waitMs at the
// latest with what is known by then; the answer, when it comes later,
// still updates known() and the listeners.
export function probe({ waitMs = 500, timeoutMs = 5000 } = {}) {
  const asked = (async () => {
    if (!navigator.onLine) return note(false);
    try {
      const res = await fetch('/api/health', { cache: 'no-store', signal: AbortSignal.timeout(timeoutMs) });
      note(res.status < 500);
    } catch {
      note(false);
    }
  })();
  return Promise.race([asked, new Promise((resolve) => { setTimeout(resolve, waitMs); })]).then(known);
}

window.addEventListener('offline', () => note(false));
window.addEventListener('online', () => { probe(); });
