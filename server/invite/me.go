package invite

import (
	"net/http"
	"slices"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/search"

	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/schema"
)

// Overview is the answer of GET /api/me/v1/overview: what the page /me/
// shows, nested the way a person reads it. Records are maps in the REST
// API's shape (PocketBase's public export, hidden fields left out).
type Overview struct {
	Account         Account          `json:"account"`
	Goals           []map[string]any `json:"goals"`            // each with "steps"
	NetworkContacts []map[string]any `json:"network_contacts"` // closest circle first
	Safaris         []map[string]any `json:"safaris"`          // each with "observations"
}

// Account is the client's own account, as the page greets them.
type Account struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Username string `json:"username"`
	Email    string `json:"email,omitempty"`
	Team     string `json:"team"`
	TeamName string `json:"team_name"`
}

// meClient is the client asking about themselves; staff, superusers and
// anonymous callers are refused (they have other ways to see records).
func meClient(e *core.RequestEvent) (*core.Record, error) {
	switch {
	case e.Auth == nil:
		return nil, fail(apierr.CodeUnauthorized, "Log in to see your own data.")
	case e.Auth.IsSuperuser() || e.Auth.Collection().Name != schema.Clients:
		return nil, fail(apierr.CodeForbidden, "This page is for clients, about themselves.")
	}
	return e.Auth, nil
}

func (s *Service) overview(e *core.RequestEvent) error {
	client, err := meClient(e)
	if err != nil {
		return err
	}
	seen := map[string][]*core.Record{}
	for _, name := range []string{schema.Teams, schema.Goals, schema.GoalSteps, schema.NetworkContacts, schema.Safaris, schema.Observations} {
		if seen[name], err = visible(e.App, client, name); err != nil {
			return err
		}
	}
	out := Overview{
		Account: Account{ID: client.Id, Name: client.GetString(schema.FieldName), Username: client.GetString("username"),
			Email: client.Email(), Team: client.GetString(schema.FieldTeam)},
		Goals:           nest(seen[schema.Goals], "steps", seen[schema.GoalSteps], schema.FieldGoal),
		NetworkContacts: exportAll(seen[schema.NetworkContacts]),
		Safaris:         nest(seen[schema.Safaris], "observations", seen[schema.Observations], schema.FieldSafari),
	}
	for _, t := range seen[schema.Teams] {
		if t.Id == out.Account.Team {
			out.Account.TeamName = t.GetString(schema.FieldName)
		}
	}
	slices.SortStableFunc(out.NetworkContacts, func(a, b map[string]any) int { return circle(a) - circle(b) })
	return e.JSON(http.StatusOK, out)
}

// circle of a contact for sorting; no circle goes last.
func circle(m map[string]any) int {
	if c, ok := m["circle"].(float64); ok && c > 0 {
		return int(c)
	}
	return 4
}

// nest exports parents with their children (those whose field points at
// the parent) under key.
func nest(parents []*core.Record, key string, children []*core.Record, field string) []map[string]any {
	out := exportAll(parents)
	for i, p := range parents {
		kids := []map[string]any{}
		for _, c := range children {
			if c.GetString(field) == p.Id {
				kids = append(kids, c.PublicExport())
			}
		}
		out[i][key] = kids
	}
	return out
}

func exportAll(records []*core.Record) []map[string]any {
	out := make([]map[string]any, 0, len(records))
	for _, r := range records {
		out = append(out, r.PublicExport())
	}
	return out
}

// visible lists the records of a collection that auth may list, by the
// collection's own list rule, evaluated as PocketBase's list endpoint
// does; oldest first. A collection only superusers may list gives none.
func visible(app core.App, auth *core.Record, collection string) ([]*core.Record, error) {
	c, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return nil, err
	}
	if c.ListRule == nil {
		return nil, nil
	}
	q := app.RecordQuery(c)
	if *c.ListRule != "" {
		info := schema.RequestInfo(auth, http.MethodGet, nil)
		r := core.NewRecordFieldResolver(app, c, info, true)
		expr, err := search.FilterData(*c.ListRule).BuildExpr(r)
		if err != nil {
			return nil, err
		}
		q.AndWhere(expr)
		if err := r.UpdateQuery(q); err != nil {
			return nil, err
		}
	}
	var records []*core.Record
	if err := q.OrderBy(c.Name+".created ASC", c.Name+".id ASC").All(&records); err != nil {
		return nil, err
	}
	for _, r := range records {
		if c.IsAuth() && r.Id == auth.Id {
			r.IgnoreEmailVisibility(true) // one's own e-mail, as PocketBase shows it to its owner
		}
	}
	return records, nil
}

// ourCollections names every collection that is not PocketBase's own.
func ourCollections(app core.App) ([]string, error) {
	all, err := app.FindAllCollections()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, c := range all {
		if !c.System && !strings.HasPrefix(c.Name, "_") {
			names = append(names, c.Name)
		}
	}
	slices.Sort(names)
	return names, nil
}
