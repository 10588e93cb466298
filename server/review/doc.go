// Package review is the team review API: what a teamadviseur (and the
// team itself, and a coordinator) sees of a team's work, at
//
//	GET /api/review/v1/teams/{id}/summary?from=YYYY-MM-DD&to=YYYY-MM-DD
//
// The source this product comes from (Leren transformeren, ch. 4) describes
// the teamadviseur of a self-organising team as someone who supports on
// request and feeds the team's own reflection: "voedend, niet
// controlerend", feeding, not controlling. The review follows that. It
// shows patterns of a team, never of a person:
//
//   - the team's neighbourhood work: wijksafaris per month, what the
//     observations were about and how high the threshold (drempel) of the
//     places found;
//   - the shape of its clients' plans: goals by life domain and status, and
//     who carries the steps, with the part carried by the client or their
//     network (zorgen dát, rather than zorgen vóór: the support worker
//     making sure it happens, not doing it);
//   - the networks: how large, how informal, and how many dormant contacts
//     were revived (network_contacts.revived_at, stamped by hooks when a
//     contact goes from dormant to active);
//   - whether the phones keep up (sync health), and the feedback the
//     advisers gave.
//
// What it never shows, by construction rather than by filtering: no
// names or texts of clients, plans, contacts or staff (the queries select
// only select-field values and counts), no figure per begeleider (no
// "by author", no ranking, no production count), no client identity.
//
// Small numbers identify people: in a team of a dozen clients "one client
// with ten or more contacts" or "two goals about finances" can be read back
// to someone. Every count is therefore k-anonymous with k = 5: a count
// below 5, zero included, is the string "<5"; shares (zorgen_dat_share)
// are null when their whole is below 5. The small-count rule covers what
// is shown; it does not stop arithmetic across figures (a total minus the
// other cells of a distribution bounds a single suppressed cell), which
// is why the distributions are over coarse buckets and there is no
// breakdown finer than a team.
//
// Who may ask: the team's begeleiders (users.teams) and teamadviseurs
// (users.advises), coordinators, and PocketBase superusers (who can read
// every record anyway). Clients may not, not even about their own team:
// the review is the team's mirror, and a client's own plan is theirs in
// full already. Anyone else gets 403 forbidden whether or not the team
// exists, so the answer does not reveal which team ids exist; only those
// who may see every team get 404 for an unknown one. Errors have the sync
// protocol's shape {"status","code","message","data"}.
//
// Periods are whole days in Europe/Amsterdam, both ends included; the
// default is the last 12 months up to today, and a period may span at
// most 5 years. Safaris count by their date (or when they were created
// if undated), observations, goals, steps, feedback and rejected sync
// mutations by when they reached the server. Networks, open conflicts and
// the phones' last sync are the current state. Plan data counts the
// team's current clients: a client who moved takes their plan along.
//
// Every figure is one aggregate query over indexed relations (Compute);
// over the demo organisation a summary takes about 2 ms.
package review
