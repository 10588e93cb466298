// The parts of Workbox the service worker uses, as one classic script
// (service workers load it with importScripts) that sets self.workbox.
import { precacheAndRoute, cleanupOutdatedCaches, createHandlerBoundToURL } from 'workbox-precaching';
import { registerRoute, NavigationRoute } from 'workbox-routing';
import { NetworkOnly } from 'workbox-strategies';
import { clientsClaim } from 'workbox-core';

self.workbox = {
  precacheAndRoute, cleanupOutdatedCaches, createHandlerBoundToURL,
  registerRoute, NavigationRoute, NetworkOnly, clientsClaim,
};
