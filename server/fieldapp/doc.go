// Package fieldapp serves the field app at /app/: the installable,
// offline-first web app in which begeleiders plan and walk a wijksafari
// with their clients, log what they find (with photos and, only when they
// ask, a location), map a client's network with them and write down the
// client's goals and steps.
//
// The app is plain JavaScript modules embedded in the binary (static/), one
// module per screen, named after what the person does there
// (safari-walk.js), with every Dutch label in labels-nl.js. It keeps its
// data on the phone through the sync client library (sync/js, served at
// /app/sync/), which owns the protocol; screens call the library and never
// the other way round.
//
// Dependencies (Dexie for IndexedDB, Workbox for the service worker) are
// bundled once with esbuild into static/vendor/, pinned by package.json and
// package-lock.json beside this file. No npm runs when the server runs.
// TestVendorBundleIsFresh rebuilds the bundle from node_modules with
// esbuild's Go API and fails when the committed files differ; run it with
// -vendor.update to write them.
//
// The service worker (sw.js) precaches the whole app shell, the vendor
// bundle and the sync library, so after one login the app opens, reloads
// and works with no network; /api/ always goes to the network. The server
// fills in the precache list (URL and content hash of every file) when it
// serves sw.js, so any changed file makes browsers install a new worker.
//
// Every response under /app/ carries a strict Content-Security-Policy:
// scripts, styles, workers and the manifest only from this origin, no
// inline script or style attribute, data only from this origin (and the
// photo bucket, where photos are uploaded to with presigned URLs).
//
// The browser tests (app_test.go, client_test.go, logins_test.go) drive
// the app in headless Chromium with playwright-core from e2e/;
// BenchmarkOfflineReload and TestFirstLoadSize hold its figures.
// docs/field-app.md describes the screens per role, how the app works
// offline, how it is tested, and the figures with their commands.
package fieldapp
