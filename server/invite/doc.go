// Package invite lets a client into their own account, and shows them
// everything stored about them.
//
// A begeleider of the client's team (or a coordinator) asks for an invite
// (POST /api/invites/v1) and hands the link to the client, on paper, by
// message or as a QR code. The link is <public URL>/invite/#<code>: the
// code sits in the fragment, which browsers never send, so it does not
// land in the logs of the server or of a proxy in front of it. The page
// at /invite/ reads the fragment, greets the client
// (GET /api/invites/v1/{code}), lets them choose a username and a
// password, and accepts (POST /api/invites/v1/{code}/accept), which logs
// them in. From then on they log in with PocketBase's normal
// auth-with-password. The API calls carry the code in their path; the
// handlers blank it out of the request before PocketBase's request log
// sees it.
//
// A code is <invite id>.<MAC>: the id of a record in the invites
// collection and an HMAC-SHA256 (truncated to 128 bits) of that id and
// the client's id, under a key derived from the server secret. The record
// decides everything about the code's life (expiry after seven days,
// single use, replaced by a newer invite for the same client); the MAC
// makes the code unguessable even for the coordinators who may list the
// invites, and ties it to the client it was made for. Every refused try
// with a code of an existing invite (a wrong MAC, an accept that fails
// validation) counts; after MaxAttempts the invite is locked.
//
// Error codes, besides the sync protocol's invalid_request, unauthorized,
// forbidden, not_found and internal (a code that does not parse, names no
// invite or carries a wrong MAC is not_found, all alike):
//
//	invite_used       410  the invite was accepted already
//	invite_expired    410  older than its expires_at
//	invite_revoked    410  a newer invite for the same client replaced it
//	invite_locked     429  too many refused tries with this code
//	account_disabled  403  the client's account is disabled
//
// A refused request changes nothing but the attempt counter.
//
// An invite for a client who already has an account sets a new password
// when accepted: that is how a client who forgot theirs gets back in. It
// also ends their other sessions (PocketBase renews the token key with
// the password). Who made each invite and when it was used stay on the
// invite record, for coordinators to see.
//
// The client's own view (right of access) lives here too:
// GET /api/me/v1/overview feeds the page at /me/ (their goals with steps,
// their network, the safaris they joined with the observations on them,
// their account), and GET /api/me/v1/export is everything the access
// rules let them see, as a download. Both evaluate each collection's own
// list rule for the client, so they show exactly what the REST API would.
package invite
