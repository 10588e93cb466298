// The field app's start: the service worker, the login or the screen the
// address names (#/team/…), the sync status bar and automatic syncing.
import { L } from './labels-nl.js';
import { person, forget, syncClient } from './session.js';
import * as login from './login.js';
import * as syncStatus from './sync-status.js';
import * as teamPick from './team-pick.js';
import * as teamHome from './team-home.js';
import * as safariPlan from './safari-plan.js';
import * as safariWalk from './safari-walk.js';
import * as safariFinish from './safari-finish.js';
import * as clientGoals from './client-goals.js';
import * as clientNetwork from './client-network.js';
import * as feedback from './feedback.js';
import { clientRoutes } from './my-routes.js';
import * as deviceRevoked from './device-revoked.js';
import * as network from './network.js';
import * as elsewhere from './elsewhere.js';

const SYNC_EVERY_MS = 30_000;

// Routes: the address after # and the screen that shows it.
const routes = [
  [/^$/, teamPick],
  [/^team\/(\w+)$/, teamHome],
  [/^team\/(\w+)\/plan$/, safariPlan],
  [/^team\/(\w+)\/feedback$/, feedback],
  [/^safari\/(\w+)\/walk$/, safariWalk],
  [/^safari\/(\w+)\/finish$/, safariFinish],
  [/^client\/(\w+)$/, clientGoals],
  [/^client\/(\w+)\/network$/, clientNetwork],
];

const main = document.getElementById('main');
let ctx = null;
let painting = Promise.resolve();

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('sw.js', { scope: './' }).catch(() => { /* the app still works online */ });
}

start();

async function start() {
  const me = person();
  if (!me) {
    if (login.returningFromOIDC()) login.finishOIDC(main, { onLoggedIn: start });
    else login.show(main, { onLoggedIn: start });
    return;
  }
  if (!elsewhere.FOR.has(me.role)) {
    elsewhere.show(main, me, { logout: loggedOut });
    main.querySelector('h1').focus({ preventScroll: true });
    return;
  }
  // The store and the server's answer (or its silence) before the first
  // paint of the status bar.
  const [client] = await Promise.all([
    syncClient((exported) => deviceRevoked.offer(main, exported, loggedOut)),
    network.probe(),
  ]);
  ctx = { client, me, go: (hash) => { location.hash = hash; }, refresh, logout };
  syncStatus.show(document.getElementById('sync'), ctx);
  document.getElementById('logout').hidden = false;
  window.addEventListener('hashchange', render);
  window.addEventListener('online', syncNow);
  setInterval(() => { if (navigator.onLine) syncNow(); }, SYNC_EVERY_MS);
  await render();
  if (network.known() !== false) syncNow();
}

async function syncNow() {
  try {
    await ctx.client.sync();
  } catch { /* the status bar shows what went wrong */ }
}

// render paints the screen the address names, moving focus to its
// heading; refresh repaints it after a save and leaves focus alone.
// Screens paint one at a time, in the order asked, each the screen the
// address names when its turn comes: a screen redrawn after a save never
// paints over the one the person has since moved to.
function render() { return paintInTurn(true); }
function refresh() { return paintInTurn(false); }

function paintInTurn(focus) {
  const next = () => paint(focus);
  painting = painting.then(next, next);
  return painting;
}

async function paint(focus) {
  const hash = location.hash.replace(/^#\/?/, '');
  const table = ctx.me.role === 'client' ? clientRoutes : routes;
  const found = table.find(([re]) => re.test(hash));
  const [re, screen] = found || table[0];
  const params = (re.exec(hash) || []).slice(1);
  await screen.show(main, ctx, ...params);
  const h1 = main.querySelector('h1');
  if (focus && h1) h1.focus({ preventScroll: true });
}

async function logout() {
  const st = ctx.client.status();
  const waiting = (st.pendingChanges || 0) + (st.pendingPhotos || 0);
  if (waiting > 0 && !confirm(L.logoutPending(waiting))) return;
  await ctx.client.wipe();
  loggedOut();
}

function loggedOut() {
  forget();
  location.hash = '';
  location.reload();
}

document.getElementById('logout').addEventListener('click', () => logout());
