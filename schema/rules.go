package schema

import "strings"

// Access rules, written once as PocketBase filter expressions. They are what
// the REST API, the JS SDK, realtime, expand and the sync push all enforce.
// The sync pull does not evaluate them per record: it reads the buckets of
// scope.go, and a differential test holds the two equal.
//
// A rule admits a whole record. Some fields of records a person may read
// are hidden from them all the same (hidden.go, the spec's "Changes after
// the first build"): teamadviseurs read safaris and observations of the
// teams they advise but never the client ids in them (safaris.clients,
// observations.author_client, sync_conflicts.clients), and conflicts that
// name a client are for the plans audience, not theirs; clients read the
// begeleiders of their team by name and role only.
//
// A nil rule (see Rules) means "superusers only".

// Who is asking. A client has no role field: for clients "@request.auth.role"
// resolves to NULL, so the staff fragments never match them.
const (
	isCoordinator = `(@request.auth.collectionName = "users" && @request.auth.role = "coordinator")`
	isBegeleider  = `(@request.auth.collectionName = "users" && @request.auth.role = "begeleider")`
	isAdviseur    = `(@request.auth.collectionName = "users" && @request.auth.role = "teamadviseur")`
	isClient      = `(@request.auth.collectionName = "clients")`
)

// or joins rule fragments with ||, each in parentheses.
func or(parts ...string) string { return "(" + strings.Join(parts, ") || (") + ")" }

// and joins rule fragments with &&, each in parentheses.
func and(parts ...string) string { return "(" + strings.Join(parts, ") && (") + ")" }

// memberOf is the begeleider's team check on a team-valued expression.
func memberOf(team string) string { return and(isBegeleider, "@request.auth.teams.id ?= "+team) }

// advisesOn is the teamadviseur's team check on a team-valued expression.
func advisesOn(team string) string { return and(isAdviseur, "@request.auth.advises.id ?= "+team) }

// keepsOr says: the body does not set field, or sets it to a value for which
// check holds. It guards moving a record to a team one may not write in.
func keepsOr(field, check string) string {
	return or("@request.body."+field+":isset = false", check)
}

// memberOfBodyTeam and advisesBodyTeam check the team a write moves a
// record to. They go through the new team's back-relation, not through
// @request.auth.teams: PocketBase joins a relation path once per rule, so
// "@request.auth.teams.id ?= team && @request.auth.teams.id ?= @request.body.team"
// asks for one team equal to both, and a begeleider of teams A and B could
// not move a client from A to B.
const (
	memberOfBodyTeam = "@request.body.team.users_via_teams.id ?= @request.auth.id"
	advisesBodyTeam  = "@request.body.team.users_via_advises.id ?= @request.auth.id"
)

// RuleSet holds the five rules of one collection.
type RuleSet struct {
	List, View, Create, Update, Delete *string
}

func rule(s string) *string { return &s }

// readOnly is a rule set with the same read rule and no writes.
func readOnly(read string) RuleSet { return RuleSet{List: rule(read), View: rule(read)} }

// Rules returns the access rules of every collection of ours.
func Rules() map[string]RuleSet {
	teamRead := or(isCoordinator, memberOf("id"), advisesOn("id"), and(isClient, "@request.auth.team = id"))

	clientRead := or(isCoordinator, memberOf("team"), and(isClient, "id = @request.auth.id"))
	clientUpdate := or(
		isCoordinator,
		and(memberOf("team"), keepsOr("team", memberOfBodyTeam)),
		and(isClient, "id = @request.auth.id", "@request.body.team:changed = false"),
	)

	safariRead := or(isCoordinator, memberOf("team"), advisesOn("team"), and(isClient, "clients.id ?= @request.auth.id"))
	safariWrite := and(memberOf("team"), keepsOr("team", memberOfBodyTeam))

	obsRead := or(isCoordinator, memberOf("safari.team"), advisesOn("safari.team"), and(isClient, "safari.clients.id ?= @request.auth.id"))
	obsCreate := or(memberOf("@request.body.safari.team"), and(isClient, "@request.body.safari.clients.id ?= @request.auth.id"))
	obsWrite := or(memberOf("safari.team"), and(isClient, "author_client = @request.auth.id", "safari.clients.id ?= @request.auth.id"))

	mediaRead := or(isCoordinator, memberOf("observation.safari.team"), advisesOn("observation.safari.team"),
		and(isClient, "observation.safari.clients.id ?= @request.auth.id"))
	mediaCreate := or(memberOf("@request.body.observation.safari.team"),
		and(isClient, "@request.body.observation.author_client = @request.auth.id", "@request.body.observation.safari.clients.id ?= @request.auth.id"))
	mediaWrite := or(memberOf("observation.safari.team"),
		and(isClient, "observation.author_client = @request.auth.id", "observation.safari.clients.id ?= @request.auth.id"))

	// goals and network_contacts hang off a client; goal_steps off a goal.
	planRead := func(client string) string {
		return or(isCoordinator, memberOf(client+".team"), and(isClient, client+" = @request.auth.id"))
	}
	planCreate := func(client string) string {
		return or(memberOf("@request.body."+client+".team"), and(isClient, "@request.body."+client+" = @request.auth.id"))
	}
	planWrite := func(client string) string {
		return or(memberOf(client+".team"), and(isClient, client+" = @request.auth.id"))
	}

	// Feedback is a conversation. A teamadviseur writes review notes in the
	// teams they advise; a begeleider answers a note of their team, and so
	// may the teamadviseur. An answer (answer_to set) is in the team of the
	// note it answers and answers a top-level note only: one level of
	// answers under each note is what a phone shows well, and an answer to
	// an answer would need its own rules for whose thread it is. Nobody
	// re-threads an answer or moves it to another team; everyone writes as
	// themselves, and only their own. hooks.validateFeedback holds the same
	// shape for every writer, superusers too, and keeps a note that has
	// answers in its team.
	feedbackRead := or(isCoordinator, memberOf("team"), advisesOn("team"))
	answers := and(`@request.body.answer_to != ""`,
		"@request.body.answer_to.team = @request.body.team", `@request.body.answer_to.answer_to = ""`)
	feedbackCreate := and("@request.body.author = @request.auth.id", or(
		and(advisesOn("@request.body.team"), or(`@request.body.answer_to = ""`, answers)),
		and(memberOf("@request.body.team"), answers)))
	keepsThread := "@request.body.answer_to:changed = false"
	feedbackUpdate := or(
		and(advisesOn("team"), "author = @request.auth.id", keepsThread,
			keepsOr("team", advisesBodyTeam), or(`answer_to = ""`, "@request.body.team:changed = false"),
			keepsOr("author", "@request.body.author = @request.auth.id")),
		and(memberOf("team"), "author = @request.auth.id", `answer_to != ""`, keepsThread,
			"@request.body.team:changed = false", "@request.body.author:changed = false"))
	feedbackDelete := or(
		and(advisesOn("team"), "author = @request.auth.id"),
		and(memberOf("team"), "author = @request.auth.id", `answer_to != ""`))

	conflictRead := or(isCoordinator, memberOf("team"),
		and(advisesOn("team"), `audience = "team"`),
		and(isClient, or("clients.id ?= @request.auth.id", "members = true && team = @request.auth.team")))

	// Clients read the begeleiders of their own team, so an app can say
	// who their begeleider is; of them they see name and role only (the
	// other fields are hidden from clients, see hidden.go).
	staffRead := or("id = @request.auth.id", isCoordinator,
		and(isBegeleider, "teams.id ?= @request.auth.teams.id"),
		and(isClient, `role = "begeleider"`, "teams.id ?= @request.auth.team"))
	staffSelfUpdate := and("id = @request.auth.id",
		"@request.body.role:isset = false", "@request.body.teams:isset = false",
		"@request.body.advises:isset = false", "@request.body.disabled:isset = false")

	deviceRead := or(isCoordinator, "owner = @request.auth.id && owner_collection = @request.auth.collectionName")
	rejectionRead := or(isCoordinator, "person = @request.auth.id && person_collection = @request.auth.collectionName")

	return map[string]RuleSet{
		Teams:           {List: rule(teamRead), View: rule(teamRead), Create: rule(isCoordinator), Update: rule(isCoordinator), Delete: rule(isCoordinator)},
		Users:           {List: rule(staffRead), View: rule(staffRead), Create: rule(isCoordinator), Update: rule(or(isCoordinator, staffSelfUpdate)), Delete: rule(isCoordinator)},
		Clients:         {List: rule(clientRead), View: rule(clientRead), Create: rule(or(isCoordinator, memberOf("@request.body.team"))), Update: rule(clientUpdate), Delete: rule(or(isCoordinator, memberOf("team")))},
		Safaris:         {List: rule(safariRead), View: rule(safariRead), Create: rule(memberOf("@request.body.team")), Update: rule(safariWrite), Delete: rule(memberOf("team"))},
		Observations:    {List: rule(obsRead), View: rule(obsRead), Create: rule(obsCreate), Update: rule(obsWrite), Delete: rule(obsWrite)},
		Media:           {List: rule(mediaRead), View: rule(mediaRead), Create: rule(mediaCreate), Update: rule(mediaWrite), Delete: rule(mediaWrite)},
		Goals:           {List: rule(planRead("client")), View: rule(planRead("client")), Create: rule(planCreate("client")), Update: rule(planWrite("client")), Delete: rule(planWrite("client"))},
		NetworkContacts: {List: rule(planRead("client")), View: rule(planRead("client")), Create: rule(planCreate("client")), Update: rule(planWrite("client")), Delete: rule(planWrite("client"))},
		GoalSteps:       {List: rule(planRead("goal.client")), View: rule(planRead("goal.client")), Create: rule(planCreate("goal.client")), Update: rule(planWrite("goal.client")), Delete: rule(planWrite("goal.client"))},
		Feedback:        {List: rule(feedbackRead), View: rule(feedbackRead), Create: rule(feedbackCreate), Update: rule(feedbackUpdate), Delete: rule(feedbackDelete)},
		SyncConflicts:   {List: rule(conflictRead), View: rule(conflictRead), Update: rule(conflictRead)},
		SyncDevices:     readOnly(deviceRead),
		SyncRejections:  readOnly(rejectionRead),
	}
}

// ManageRule is the auth-collection manage rule for users and clients:
// coordinators manage accounts (emails, passwords) without the old password.
const ManageRule = isCoordinator

// AuthRule keeps disabled people from logging in.
const AuthRule = "disabled = false"
