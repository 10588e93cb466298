// Package audit connects the access log (internal/accesslog) to every
// path by which a client's data leaves the server, and serves it.
//
// What it logs: REST list and view of collections that hold client data
// (schema.ClientsExpr says which, and whose), expanded relations included,
// a list with a filter as "search"; REST creates, updates and deletes;
// the client's own pages (/api/me/v1/overview, and /api/me/v1/export as
// "export"); and, through Recorder.Add, what the server's sync API and
// photo downloads hand over (server/syncapi.go, server/media.go). A
// superuser's request is logged with path "dashboard". A request made with
// a superuser's impersonation token is logged as the superuser, on behalf
// of the account (impersonation.go); impersonating a client is itself an
// entry. A sync pull is logged once per client per pull run, not per
// page (pull_runs.go: the pages a device fetches by following has_more
// are one access).
//
// What it serves: GET /api/audit/v1/entries (coordinators only; reading is
// itself logged), the page /audit/ for coordinators to search it, and GET
// /api/me/v1/access, which tells a client in plain Dutch who read or
// changed their data.
//
// The log is opened lazily (on the first entry or request) in the app's
// data dir and closed, after writing what is queued, when the app
// terminates.
package audit
