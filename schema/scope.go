package schema

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Scope is who may see a record, in the vocabulary of the access rules:
// the team it belongs to, whether it is shared team data or part of a
// client's plan, whether every client of the team may see it (only the team
// record itself), and which clients may see it (the plan's owner, or the
// participants of a safari).
//
// Scope is the sync side of Rules: Buckets turns it into the change-feed
// buckets a device follows, PrincipalBuckets says which buckets a person
// follows, and a differential test holds the pair equal to the API rules.
type Scope struct {
	Team     string
	Audience string // AudienceTeam or AudiencePlans
	Members  bool
	Clients  []string
}

// Bucket names. A record sits in every bucket of its scope, and always in
// BucketAll, which coordinators follow.
const BucketAll = "*"

func TeamBucket(team string) string     { return "team:" + team }
func PlansBucket(team string) string    { return "plans:" + team }
func MembersBucket(team string) string  { return "members:" + team }
func ClientBucket(client string) string { return "client:" + client }

// Buckets lists the change-feed buckets of a record with this scope, sorted.
func (s Scope) Buckets() []string {
	out := []string{BucketAll}
	if s.Team != "" {
		if s.Audience == AudiencePlans {
			out = append(out, PlansBucket(s.Team))
		} else {
			out = append(out, TeamBucket(s.Team))
		}
		if s.Members {
			out = append(out, MembersBucket(s.Team))
		}
	}
	for _, c := range s.Clients {
		if c != "" {
			out = append(out, ClientBucket(c))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Principal is a person as the sync protocol sees them.
type Principal struct {
	Collection string // Users or Clients
	ID         string
	Role       string   // staff only
	Teams      []string // a begeleider's teams
	Advises    []string // a teamadviseur's teams
	Team       string   // a client's team
}

// PrincipalOf reads a principal from an auth record of users or clients.
func PrincipalOf(auth *core.Record) Principal {
	p := Principal{Collection: auth.Collection().Name, ID: auth.Id}
	if p.Collection == Clients {
		p.Team = auth.GetString(FieldTeam)
		return p
	}
	p.Role = auth.GetString(FieldRole)
	p.Teams = auth.GetStringSlice(FieldTeams)
	p.Advises = auth.GetStringSlice(FieldAdvises)
	return p
}

// IsClient reports whether the principal is a client.
func (p Principal) IsClient() bool { return p.Collection == Clients }

// Buckets lists the change-feed buckets the principal may read, sorted.
// It mirrors the read rules of rules.go.
func (p Principal) Buckets() []string {
	var out []string
	switch {
	case p.Collection == Clients:
		out = append(out, ClientBucket(p.ID))
		if p.Team != "" {
			out = append(out, MembersBucket(p.Team))
		}
	case p.Role == RoleCoordinator:
		out = append(out, BucketAll)
	case p.Role == RoleBegeleider:
		for _, t := range p.Teams {
			out = append(out, TeamBucket(t), PlansBucket(t))
		}
	case p.Role == RoleTeamadviseur:
		for _, t := range p.Advises {
			out = append(out, TeamBucket(t))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// scopeQueries find a record's scope by id: team, clients (a JSON array or
// a single id) and, for sync_conflicts, audience and members.
var scopeQueries = map[string]string{
	Teams:   `SELECT id, '[]', 'team', 1 FROM teams WHERE id = {:id}`,
	Clients: `SELECT team, json_array(id), 'plans', 0 FROM clients WHERE id = {:id}`,
	Safaris: `SELECT team, clients, 'team', 0 FROM safaris WHERE id = {:id}`,
	Observations: `SELECT s.team, s.clients, 'team', 0 FROM observations o
		JOIN safaris s ON s.id = o.safari WHERE o.id = {:id}`,
	Media: `SELECT s.team, s.clients, 'team', 0 FROM media m
		JOIN observations o ON o.id = m.observation JOIN safaris s ON s.id = o.safari WHERE m.id = {:id}`,
	Goals: `SELECT c.team, json_array(c.id), 'plans', 0 FROM goals g
		JOIN clients c ON c.id = g.client WHERE g.id = {:id}`,
	NetworkContacts: `SELECT c.team, json_array(c.id), 'plans', 0 FROM network_contacts n
		JOIN clients c ON c.id = n.client WHERE n.id = {:id}`,
	GoalSteps: `SELECT c.team, json_array(c.id), 'plans', 0 FROM goal_steps st
		JOIN goals g ON g.id = st.goal JOIN clients c ON c.id = g.client WHERE st.id = {:id}`,
	Feedback:      `SELECT team, '[]', 'team', 0 FROM feedback WHERE id = {:id}`,
	SyncConflicts: `SELECT team, clients, audience, members FROM sync_conflicts WHERE id = {:id}`,
}

// scopeMoves lists the collections whose scope can move: their scope
// queries read fields of the record itself that an update may change
// (clients: team; safaris: team, clients; feedback: team; sync_conflicts:
// team, clients, audience, members). Every other synced record is tied
// to its scope by its id or by parent relations that are immutable, so
// an update leaves it in its buckets.
var scopeMoves = map[string]bool{Clients: true, Safaris: true, Feedback: true, SyncConflicts: true}

// ScopeMayMove reports whether an update of a record of collection can
// change its scope.
func ScopeMayMove(collection string) bool { return scopeMoves[collection] }

// ErrNoScope is returned by ScopeOf for a record that does not exist (or
// whose parent chain is broken).
var ErrNoScope = errors.New("record has no scope")

// ScopeOf reads the current scope of a stored record of a synced collection.
// It returns ErrNoScope when the record (or a parent) does not exist.
func ScopeOf(db dbx.Builder, collection, id string) (Scope, error) {
	q, ok := scopeQueries[collection]
	if !ok {
		return Scope{}, fmt.Errorf("scope of %s: not a synced collection", collection)
	}
	var team, clients, audience sql.NullString
	var members sql.NullBool
	err := db.NewQuery(q).Bind(dbx.Params{"id": id}).Row(&team, &clients, &audience, &members)
	if errors.Is(err, sql.ErrNoRows) {
		return Scope{}, ErrNoScope
	}
	if err != nil {
		return Scope{}, fmt.Errorf("scope of %s/%s: %w", collection, id, err)
	}
	s := Scope{Team: team.String, Audience: audience.String, Members: members.Bool}
	if clients.String != "" {
		if err := json.Unmarshal([]byte(clients.String), &s.Clients); err != nil {
			return Scope{}, fmt.Errorf("scope of %s/%s: clients: %w", collection, id, err)
		}
	}
	return s, nil
}

// Ref names one record.
type Ref struct {
	Collection string `db:"collection" json:"collection"`
	ID         string `db:"id" json:"id"`
}

// dependentQueries list the records whose scope follows a record's scope:
// when a client moves team, their plan moves with them; when a safari
// changes team or participants, so do its observations and photos.
var dependentQueries = map[string]string{
	Clients: `SELECT 'goals' AS collection, id FROM goals WHERE client = {:id}
		UNION ALL SELECT 'network_contacts', id FROM network_contacts WHERE client = {:id}
		UNION ALL SELECT 'goal_steps', st.id FROM goal_steps st JOIN goals g ON g.id = st.goal WHERE g.client = {:id}`,
	Safaris: `SELECT 'observations' AS collection, id FROM observations WHERE safari = {:id}
		UNION ALL SELECT 'media', m.id FROM media m JOIN observations o ON o.id = m.observation WHERE o.safari = {:id}`,
}

// Dependents lists the records whose scope is derived from the given
// record's scope (not including conflicts about them; see ConflictsAbout).
func Dependents(db dbx.Builder, collection, id string) ([]Ref, error) {
	q, ok := dependentQueries[collection]
	if !ok {
		return nil, nil
	}
	var refs []Ref
	if err := db.NewQuery(q).Bind(dbx.Params{"id": id}).All(&refs); err != nil {
		return nil, fmt.Errorf("dependents of %s/%s: %w", collection, id, err)
	}
	return refs, nil
}

// SetConflictScope copies a record's scope onto a sync_conflicts record
// about it: the conflict is visible to exactly who can see that record,
// except that a conflict naming a client (ConflictNamesClient) is for the
// plans audience, which team advisers do not read. Call it after the
// conflict's values are set.
func SetConflictScope(conflict *core.Record, s Scope) {
	audience := s.Audience
	if audience == "" {
		audience = AudienceTeam
	}
	if audience == AudienceTeam && ConflictNamesClient(conflict) {
		audience = AudiencePlans
	}
	conflict.Set(FieldTeam, s.Team)
	conflict.Set(FieldAudience, audience)
	conflict.Set(FieldMembers, s.Members)
	conflict.Set(FieldClients, s.Clients)
}

// ScopeFromBuckets reverses Buckets: it recovers the scope a record had
// from the buckets it sat in (for records that are gone, whose scope can
// no longer be read from their fields).
func ScopeFromBuckets(buckets []string) Scope {
	var s Scope
	for _, b := range buckets {
		kind, id, _ := strings.Cut(b, ":")
		switch kind {
		case "team":
			s.Team, s.Audience = id, AudienceTeam
		case "plans":
			s.Team, s.Audience = id, AudiencePlans
		case "members":
			s.Team, s.Members = id, true
		case "client":
			s.Clients = append(s.Clients, id)
		}
	}
	if s.Audience == "" {
		s.Audience = AudienceTeam
	}
	return s
}
