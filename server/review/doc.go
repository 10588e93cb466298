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
// below 5, zero included, is the string "<5" (primary suppression); the
// zorgen_dat_share is null when its whole or its part is below 5.
//
// A "<5" alone is not enough: a reader can subtract. With the total and
// all other cells of a distribution on the wire, the one "<5" is the
// rest; "<5" also means 0..4, so two hidden cells that must add up to 8
// are 4 and 4, and a hidden rest of 0 makes every hidden cell 0; the
// share times the total gives client + network. So the summary also
// applies complementary suppression (summary_suppress.go): it writes
// down every equation a reader can rely on (each distribution adds up to
// its total, observations and goals have two distributions over one
// total, the share gives client + network, the informal shares add up to
// the clients with contacts), plays the reader by narrowing every figure
// through every equation until nothing narrows, and when a suppressed
// figure narrows to one value it withholds the smallest figure still
// shown in an equation with it, written "≥5", and plays again until no
// suppressed figure can be worked out. The tests attack the wire form
// (summary_suppress_test.go): every equality and every sum or difference
// of two, and an exhaustive search over the values the hidden figures may
// take, over real summaries and 300 random tables.
//
// What this does not cover: differences between two requests. Periods
// are chosen by the reader, so a summary for March minus one for March
// without its last day counts that day. Within one answer nothing
// suppressed can be worked out; across answers, the distributions are
// coarse, nothing is broken down finer than a team, and only people who
// already work with the team may ask.
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
