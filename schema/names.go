package schema

// Collection names. They are part of the public contract (docs/domain.md): apps
// and outside tests depend on them, so they never change.
const (
	Teams           = "teams"
	Users           = "users"
	Clients         = "clients"
	Safaris         = "safaris"
	Observations    = "observations"
	NetworkContacts = "network_contacts"
	Goals           = "goals"
	GoalSteps       = "goal_steps"
	Feedback        = "feedback"
	Media           = "media"
	SyncConflicts   = "sync_conflicts"

	// Bookkeeping collections of our own, visible in the admin UI.
	SyncDevices    = "sync_devices"
	SyncRejections = "sync_rejections"
)

// Synced lists every collection that takes part in the sync protocol, in
// dependency order: a record's parents come before it. Every synced
// collection has a Version field and feeds the change feed.
var Synced = []string{
	Teams, Clients, Safaris, Observations, Media,
	Goals, NetworkContacts, GoalSteps, Feedback, SyncConflicts,
}

// IsSynced reports whether the collection takes part in the sync protocol.
func IsSynced(collection string) bool {
	for _, name := range Synced {
		if name == collection {
			return true
		}
	}
	return false
}

// ClientWins lists the collections where a client's own value beats a staff
// member's in a conflict, whichever arrived later ("the client's words win").
var ClientWins = map[string]bool{Goals: true, GoalSteps: true, NetworkContacts: true}

// Field names shared by several collections.
const (
	FieldID      = "id"
	FieldCreated = "created"
	FieldUpdated = "updated"
	FieldVersion = "version"
	// FieldAuthorship is a hidden JSON field on every synced collection:
	// for each field, who wrote its current value and when. The conflict
	// policy reads it; the API never shows it.
	FieldAuthorship = "authorship"

	FieldName     = "name"
	FieldTeam     = "team"
	FieldRole     = "role"
	FieldTeams    = "teams"
	FieldAdvises  = "advises"
	FieldDisabled = "disabled"

	FieldClient       = "client"
	FieldClients      = "clients"
	FieldSafari       = "safari"
	FieldObservation  = "observation"
	FieldGoal         = "goal"
	FieldAuthorUser   = "author_user"
	FieldAuthorClient = "author_client"
	FieldAuthor       = "author"
	FieldAgreedAt     = "agreed_at"
	FieldTitle        = "title"

	FieldInvolveConsent = "involve_consent"
	FieldPhone          = "phone"
	FieldEmail          = "email"

	// sync_conflicts: which record the conflict is about, and the copy of
	// that record's scope that decides who may see the conflict.
	FieldCollection = "collection"
	FieldRecord     = "record"
	FieldField      = "field"
	FieldAudience   = "audience"
	FieldMembers    = "members"
	FieldResolved   = "resolved"

	// media: where the cleaned bytes are stored (hidden), and the photo's state.
	FieldObjectKey = "object_key"
	FieldStatus    = "status"
	FieldSHA256    = "sha256"
)

// Media statuses.
const (
	MediaPending = "pending"
	MediaStored  = "stored"
)

// Staff roles (users.role).
const (
	RoleBegeleider   = "begeleider"
	RoleTeamadviseur = "teamadviseur"
	RoleCoordinator  = "coordinator"
)

// Audiences of a sync_conflicts record: whether the record it is about is
// shared team data (seen by team advisers too) or part of a client's plan.
const (
	AudienceTeam  = "team"
	AudiencePlans = "plans"
)
