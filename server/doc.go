// Package server wires Samenspel into one PocketBase app: configuration
// from flags and environment (config.go, which fails loudly on bad values),
// the migrations, the hooks, the sync API (package sync, mounted with echo
// under /api/sync/v1), the photo store, the invite and review APIs, the
// pages, rate limits, the staff login (stafflogin.go: MFA by e-mail code,
// OIDC, docs/staff-login.md), the access log (package audit, on
// internal/accesslog) and the commands (demo, sync rotate-keys, audit
// verify, clients erase). New builds
// the real app; Register binds everything to any app, which is how tests
// get a server that is the real one.
//
// Dependencies point one way: server imports sync, hooks, schema, storage
// and the internal packages; none of them imports server.
package server
