package schema

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Stable collection ids, so relations can be declared before their target
// exists and stay the same in every installation.
const (
	teamsID        = "sam_teams"
	usersID        = "_pb_users_auth_" // PocketBase's own users collection
	clientsID      = "sam_clients"
	safarisID      = "sam_safaris"
	observationsID = "sam_observations"
	mediaID        = "sam_media"
	goalsID        = "sam_goals"
	contactsID     = "sam_network_contacts"
	stepsID        = "sam_goal_steps"
	feedbackID     = "sam_feedback"
	conflictsID    = "sam_sync_conflicts"
	devicesID      = "sam_sync_devices"
	rejectionsID   = "sam_sync_rejections"
)

func init() {
	m.Register(upDomain, nil)
}

// upDomain creates the whole domain of docs/domain.md. Collections are saved in
// dependency order; relations point at the stable ids above. They are
// created without access rules (superusers only): the rules migrations that
// follow write them from their snapshots (see rules_snapshot.go).
func upDomain(app core.App) error {
	for _, build := range []func(core.App) (*core.Collection, error){
		teamsCollection, usersCollection, clientsCollection, safarisCollection,
		observationsCollection, mediaCollection, goalsCollection, contactsCollection,
		stepsCollection, feedbackCollection, conflictsCollection, devicesCollection,
		rejectionsCollection,
	} {
		c, err := build(app)
		if err != nil {
			return err
		}
		if err := app.Save(c); err != nil {
			return fmt.Errorf("create collection %s: %w", c.Name, err)
		}
	}
	// observations.photos and media.observation point at each other: the
	// photos relation can only be added once media exists.
	obs, err := app.FindCollectionByNameOrId(Observations)
	if err != nil {
		return err
	}
	obs.Fields.Add(relation("photos", mediaID, false, 999, false))
	return app.Save(obs)
}

func base(id, name string, fields ...core.Field) *core.Collection {
	c := core.NewBaseCollection(name, id)
	for _, f := range fields {
		c.Fields.Add(f)
	}
	return c
}

func withSync(c *core.Collection) *core.Collection {
	for _, f := range syncFields() {
		c.Fields.Add(f)
	}
	return c
}

func index(c *core.Collection, name, columns string) {
	c.AddIndex("idx_"+c.Name+"_"+name, false, columns, "")
}

func teamsCollection(core.App) (*core.Collection, error) {
	return withSync(base(teamsID, Teams, text(FieldName, true, 200), text("area", false, 200))), nil
}

func usersCollection(app core.App) (*core.Collection, error) {
	c, err := app.FindCollectionByNameOrId(Users)
	if err != nil {
		return nil, fmt.Errorf("find users: %w", err)
	}
	name, _ := c.Fields.GetByName(FieldName).(*core.TextField)
	if name == nil {
		return nil, fmt.Errorf("users: no name field")
	}
	name.Required = true
	c.Fields.Add(
		choice(FieldRole, true, 1, RoleBegeleider, RoleTeamadviseur, RoleCoordinator),
		relation(FieldTeams, teamsID, false, 999, false),
		relation(FieldAdvises, teamsID, false, 999, false),
		boolean(FieldDisabled),
	)
	c.AuthRule = types.Pointer(AuthRule)
	c.ManageRule = types.Pointer(ManageRule)
	return c, nil
}

func clientsCollection(core.App) (*core.Collection, error) {
	c := core.NewAuthCollection(Clients, clientsID)
	if email, ok := c.Fields.GetByName(FieldEmail).(*core.EmailField); ok {
		email.Required = false // many clients have no e-mail address; they log in by username
	}
	c.Fields.Add(
		text(FieldName, true, 200),
		relation(FieldTeam, teamsID, true, 1, false),
		&core.TextField{Name: "username", Max: 100, Pattern: `^[a-z0-9._-]*$`},
		boolean(FieldDisabled),
	)
	withSync(c)
	c.AddIndex("idx_clients_username", true, "username", "username != ''")
	index(c, "team", "team")
	c.PasswordAuth.IdentityFields = []string{FieldEmail, "username"}
	c.AuthRule = types.Pointer(AuthRule)
	c.ManageRule = types.Pointer(ManageRule)
	return c, nil
}

func safarisCollection(core.App) (*core.Collection, error) {
	c := withSync(base(safarisID, Safaris,
		relation(FieldTeam, teamsID, true, 1, false),
		text(FieldTitle, true, 300),
		text("area", false, 300),
		date("date"),
		relation("begeleiders", usersID, false, 999, false),
		relation(FieldClients, clientsID, false, 999, false),
		&core.JSONField{Name: "questions", MaxSize: 1 << 16},
		text("reflection", false, 20000),
		choice("status", false, 1, "planned", "done"),
	))
	index(c, "team", "team")
	return c, nil
}

func observationsCollection(core.App) (*core.Collection, error) {
	c := withSync(base(observationsID, Observations,
		relation(FieldSafari, safarisID, true, 1, true),
		choice("kind", true, 1, "place", "meeting_place", "facility", "initiative", "key_person", "barrier", "opportunity", "other"),
		text(FieldTitle, true, 300),
		text("note", false, 20000),
		&core.GeoPointField{Name: "location"},
		choice("threshold", false, 1, "low", "medium", "high"),
		relation(FieldAuthorUser, usersID, false, 1, false),
		relation(FieldAuthorClient, clientsID, false, 1, false),
	))
	index(c, "safari", "safari")
	return c, nil
}

func mediaCollection(core.App) (*core.Collection, error) {
	c := withSync(base(mediaID, Media,
		relation(FieldObservation, observationsID, true, 1, true),
		&core.TextField{Name: "sha256", Required: true, Pattern: `^[a-f0-9]{64}$`},
		number("size", true, 0, 1<<40),
		text("content_type", false, 100),
		choice("status", false, 1, "pending", "stored"),
	))
	index(c, "observation", "observation")
	index(c, "sha256", "sha256")
	return c, nil
}

func goalsCollection(core.App) (*core.Collection, error) {
	c := withSync(base(goalsID, Goals,
		relation(FieldClient, clientsID, true, 1, true),
		text(FieldTitle, true, 500),
		choice("life_domain", false, 1, "living", "daytime_activity", "finances", "relationships", "health", "leisure", "meaning", "other"),
		text("why", false, 5000),
		choice("status", false, 1, "idea", "active", "achieved", "paused", "stopped"),
		number("progress", false, 0, 10),
		date(FieldAgreedAt),
	))
	index(c, "client", "client")
	return c, nil
}

func contactsCollection(core.App) (*core.Collection, error) {
	c := withSync(base(contactsID, NetworkContacts,
		relation(FieldClient, clientsID, true, 1, true),
		text(FieldName, true, 200),
		choice("relation", true, 1, "family", "partner", "friend", "neighbour", "volunteer", "informal_carer", "peer", "professional", "organisation", "other"),
		boolean("formal"),
		number("circle", true, 1, 3),
		choice("support", false, 5, "practical", "emotional", "company", "advice", "care"),
		choice("reciprocity", false, 1, "gives", "receives", "both"),
		choice("status", false, 1, "active", "dormant", "wished"),
		boolean(FieldInvolveConsent),
		text(FieldPhone, false, 50),
		&core.EmailField{Name: FieldEmail},
		text("note", false, 5000),
	))
	index(c, "client", "client")
	return c, nil
}

func stepsCollection(core.App) (*core.Collection, error) {
	c := withSync(base(stepsID, GoalSteps,
		relation(FieldGoal, goalsID, true, 1, true),
		text("description", true, 2000),
		choice("carried_by", true, 1, "client", "network", "begeleider", "other_professional"),
		relation("contact", contactsID, false, 1, false),
		relation(FieldObservation, observationsID, false, 1, false),
		date("due"),
		choice("status", false, 1, "planned", "doing", "done", "dropped"),
		text("reflection", false, 5000),
	))
	index(c, "goal", "goal")
	return c, nil
}

func feedbackCollection(core.App) (*core.Collection, error) {
	c := withSync(base(feedbackID, Feedback,
		relation(FieldTeam, teamsID, true, 1, false),
		relation(FieldSafari, safarisID, false, 1, false),
		relation(FieldObservation, observationsID, false, 1, false),
		relation(FieldAuthor, usersID, true, 1, false),
		choice("kind", false, 1, "question", "appreciation", "suggestion"),
		text("text", true, 5000),
	))
	index(c, "team", "team")
	return c, nil
}

// conflictsCollection: the losing value of a conflict, and a copy of the
// scope of the record it is about (team, audience, members, clients), which
// decides who may see it.
func conflictsCollection(core.App) (*core.Collection, error) {
	c := withSync(base(conflictsID, SyncConflicts,
		text(FieldCollection, true, 50),
		text(FieldRecord, true, 15),
		text(FieldField, true, 100),
		&core.JSONField{Name: "kept_value", MaxSize: 1 << 20},
		&core.JSONField{Name: "lost_value", MaxSize: 1 << 20},
		text("kept_by", false, 60), // "users:<id>", "clients:<id>", "system"
		date("kept_at"),
		text("lost_by", false, 60),
		date("lost_at"),
		text("reason", false, 50), // same_field, record_deleted, delete_changed
		boolean(FieldResolved),
		relation(FieldTeam, teamsID, false, 1, false),
		choice(FieldAudience, true, 1, AudienceTeam, AudiencePlans),
		boolean(FieldMembers),
		relation(FieldClients, clientsID, false, 999, false),
	))
	index(c, "record", "collection, record")
	index(c, "team", "team")
	return c, nil
}

func devicesCollection(core.App) (*core.Collection, error) {
	c := base(devicesID, SyncDevices,
		&core.TextField{Name: "device_id", Required: true, Max: 64, Pattern: `^[A-Za-z0-9_-]+$`},
		text("owner_collection", true, 20),
		text("owner", true, 15),
		text("platform", false, 30),
		text("app_version", false, 30),
		number("schema_version", true, 0, 1e6),
		date("revoked_at"),
		text("revoked_by", false, 60),
		date("last_pull_at"),
		date("last_push_at"),
	)
	for _, f := range timestamps() {
		c.Fields.Add(f)
	}
	c.AddIndex("idx_sync_devices_device_id", true, "device_id", "")
	index(c, "owner", "owner")
	return c, nil
}

// rejectionsCollection keeps every rejected push mutation with its payload,
// so a coordinator can see it and nothing typed in the field vanishes.
func rejectionsCollection(core.App) (*core.Collection, error) {
	c := base(rejectionsID, SyncRejections,
		text("device_id", true, 64),
		text("mutation_id", true, 100),
		text("person_collection", true, 20),
		text("person", true, 15),
		text(FieldCollection, false, 50),
		text(FieldRecord, false, 50),
		text("op", false, 10),
		&core.JSONField{Name: "payload", MaxSize: 16 << 20},
		&core.JSONField{Name: "error", MaxSize: 1 << 20},
		boolean("handled"),
	)
	for _, f := range timestamps() {
		c.Fields.Add(f)
	}
	index(c, "person", "person")
	return c, nil
}
