// Package syncjs holds the JavaScript sync client of the field app: plain
// ES modules (index.js and what it imports) that implement
// docs/sync-protocol.md in a browser or in Node, over a storage adapter
// (MemoryStore, DexieStore over IndexedDB, or one of the app's own). The
// Go package only embeds the module files, so the server can serve them to
// the app at /app/; README.md describes the API.
//
// The tests (js_test.go) serve a test World over real HTTP and run the
// Node tests (*.test.mjs, node --test) and the shared protocol scenarios
// of sync/testdata/scenarios against it. They need node and npm on PATH
// and run `npm ci` here when node_modules is missing or stale.
package syncjs
