// The field app's service worker: the whole app (shell, vendor bundle,
// sync library) is precached so it opens with no network; the API always
// goes to the network, and the sync library decides what to do offline.
// The server fills in the precache list (fieldapp/precache.go).
importScripts('vendor/workbox.js');

const wb = self.workbox;
self.skipWaiting();
wb.clientsClaim();
wb.cleanupOutdatedCaches();
wb.precacheAndRoute(self.__WB_MANIFEST, { ignoreURLParametersMatching: [/.*/] });
wb.registerRoute(new wb.NavigationRoute(wb.createHandlerBoundToURL('index.html')));
wb.registerRoute(({ url }) => url.pathname.startsWith('/api/'), new wb.NetworkOnly());
