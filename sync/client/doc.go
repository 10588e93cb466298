// Package client is a sync-protocol client that behaves like a field app:
// it keeps a local store of the records it may see, queues offline
// mutations with the base values they were made on, pushes them in order
// with retry and backoff, follows pull pages, and applies deletes and
// resets. Tests, the load generator and the property tests use it; it is
// also the reference for app developers.
//
// A Client is not safe for concurrent use: like an app, it does one thing
// at a time.
package client
