package hooks

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/ganigeorgiev/fexpr"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/samenspel/samenspel/schema"
)

// API rules decide which records a person sees, but a filter or sort may
// still reach into other collections: "@collection.goals.title ~ 'geld'" or
// "safari.clients.name ~ 'Jan'" turns any list into an oracle for data the
// caller cannot read. The guard refuses, for everyone but superusers,
// filters and sorts that name @collection, and for team advisers any path
// that enters a client's data (clients, goals, goal_steps,
// network_contacts). Expand needs no guard: PocketBase checks the view rule
// of every expanded record.

// hiddenFromAdvisers are the collections a teamadviseur may never read.
var hiddenFromAdvisers = map[string]bool{
	schema.Clients: true, schema.Goals: true, schema.GoalSteps: true, schema.NetworkContacts: true,
}

// guardMiddleware refuses disabled accounts and over-reaching filters.
func guardMiddleware() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "samenspelGuard",
		Priority: apis.DefaultLoadAuthTokenMiddlewarePriority + 1, // right after the auth is loaded
		Func: func(e *core.RequestEvent) error {
			if e.Auth != nil && e.Auth.GetBool(schema.FieldDisabled) {
				return e.UnauthorizedError("This account is disabled.", nil)
			}
			if e.Auth != nil && e.Auth.IsSuperuser() {
				return e.Next()
			}
			collection, ok := recordsPath(e.Request.URL.Path)
			if !ok {
				return e.Next()
			}
			if reason := refusedQuery(e.App, e.Auth, collection, e.Request.URL.Query()); reason != "" {
				return e.BadRequestError(reason, nil)
			}
			if e.Request.Method == http.MethodPost || e.Request.Method == http.MethodPatch {
				info, err := e.RequestInfo()
				if err != nil {
					return e.BadRequestError("The request body cannot be read.", err)
				}
				if err := checkBody(e.App, e.Request.Method, e.Request.URL.Path, info.Body); err != nil {
					return err
				}
			}
			return e.Next()
		},
	}
}

// guardRealtime applies the same check to realtime subscription options.
func guardRealtime(e *core.RealtimeSubscribeRequestEvent) error {
	if e.Auth != nil && e.Auth.IsSuperuser() {
		return e.Next()
	}
	for _, sub := range e.Subscriptions {
		// Read the options as PocketBase's subscriptions.DefaultClient does:
		// a subscription it cannot parse has no options.
		u, err := url.Parse(sub)
		if err != nil {
			continue
		}
		opts := u.Query().Get("options")
		if opts == "" {
			continue
		}
		collection, _, _ := strings.Cut(u.Path, "/")
		if reason := refusedOptions(e.App, e.Auth, collection, opts); reason != "" {
			return e.BadRequestError(reason, nil)
		}
	}
	return e.Next()
}

// recordsPath matches /api/collections/{c}/records[/{id}].
func recordsPath(path string) (collection string, ok bool) {
	rest, found := strings.CutPrefix(path, "/api/collections/")
	if !found {
		return "", false
	}
	collection, rest, _ = strings.Cut(rest, "/")
	return collection, rest == "records" || strings.HasPrefix(rest, "records/")
}

func refusedQuery(app core.App, auth *core.Record, collection string, q url.Values) string {
	for _, f := range q["filter"] {
		if reason := refusedFilter(app, auth, collection, f); reason != "" {
			return reason
		}
		if reason := refusedMultiMatch(app, auth, collection, f); reason != "" {
			return reason
		}
	}
	for _, s := range q["sort"] {
		for _, field := range strings.Split(s, ",") {
			field = strings.TrimLeft(strings.TrimSpace(field), "+-")
			if reason := refusedPath(app, auth, collection, field); reason != "" {
				return reason
			}
		}
	}
	return ""
}

// refusedOptions checks the filter in the JSON options of a realtime
// subscription as refusedQuery checks a list's; any mention of @collection
// is refused outright.
func refusedOptions(app core.App, auth *core.Record, collection, opts string) string {
	if strings.Contains(opts, "@collection") {
		return "Filters on other collections (@collection) are not allowed."
	}
	// Decode as PocketBase does: values of any type, errors ignored (a
	// value of the wrong type anywhere fails json.Unmarshal, yet the rest
	// is decoded and PocketBase uses it). A struct of strings here, with
	// the check skipped on error, let a filter through next to a number.
	var parsed struct {
		Query map[string]any `json:"query"`
	}
	_ = json.Unmarshal([]byte(opts), &parsed)
	raw, ok := parsed.Query["filter"]
	if !ok || raw == nil {
		return ""
	}
	filter, ok := raw.(string)
	if !ok {
		return "The filter must be a string."
	}
	// The filter is a JSON string: scanning the raw options would see one
	// string literal and no field paths at all.
	if reason := refusedFilter(app, auth, collection, filter); reason != "" {
		return reason
	}
	return refusedMultiMatch(app, auth, collection, filter)
}

// refusedFilter walks every identifier of a filter expression.
func refusedFilter(app core.App, auth *core.Record, collection, filter string) string {
	s := fexpr.NewScanner([]byte(filter))
	for {
		t, err := s.Scan()
		if err != nil || t.Type == fexpr.TokenEOF {
			return ""
		}
		var reason string
		switch t.Type {
		case fexpr.TokenGroup:
			reason = refusedFilter(app, auth, collection, t.Literal)
		case fexpr.TokenIdentifier:
			reason = refusedPath(app, auth, collection, t.Literal)
		case fexpr.TokenFunction:
			args, _ := t.Meta.([]fexpr.Token)
			for _, a := range args {
				if reason == "" && a.Type == fexpr.TokenIdentifier {
					reason = refusedPath(app, auth, collection, a.Literal)
				}
			}
		}
		if reason != "" {
			return reason
		}
	}
}

// refusedPath follows a field path ("safari.clients.name",
// "goals_via_client.title", "@collection.goals.title") through the schema
// and says why it may not be used, or "" if it may: @collection for
// everyone, a client's data for team advisers, and for everyone a field
// hidden from them on a record they may read (schema.HiddenFields: client
// ids from team advisers, staff fields but name and role from clients),
// as PocketBase refuses filters on its own hidden fields.
func refusedPath(app core.App, auth *core.Record, collection, path string) string {
	path, _, _ = strings.Cut(path, ":") // modifiers such as :each, :length
	if strings.HasPrefix(path, "@collection.") {
		return "Filters on other collections (@collection) are not allowed."
	}
	if strings.HasPrefix(path, "@") {
		return "" // @request.*, @now, @random, ...
	}
	adviser := schema.IsAdviser(auth)
	if !adviser && !schema.IsClientAuth(auth) {
		return ""
	}
	p := schema.PrincipalOf(auth)
	current, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return ""
	}
	for _, part := range strings.Split(path, ".") {
		if adviser && hiddenFromAdvisers[current.Name] {
			return "This filter reaches into clients' plans, which team advisers cannot read."
		}
		if back, field, ok := strings.Cut(part, "_via_"); ok && back != "" {
			if current, err = app.FindCachedCollectionByNameOrId(back); err != nil {
				return ""
			}
			if !schema.MayFilterOn(p, current, field) {
				return hiddenFieldReason(current.Name, field)
			}
			continue
		}
		if !schema.MayFilterOn(p, current, part) {
			return hiddenFieldReason(current.Name, part)
		}
		rel, ok := current.Fields.GetByName(part).(*core.RelationField)
		if !ok {
			break
		}
		if current, err = app.FindCachedCollectionByNameOrId(rel.CollectionId); err != nil {
			return ""
		}
	}
	if adviser && hiddenFromAdvisers[current.Name] {
		return "This filter reaches into clients' plans, which team advisers cannot read."
	}
	return ""
}

func hiddenFieldReason(collection, field string) string {
	return "Filters and sorts on " + collection + "." + field + " are not allowed: the field is hidden from you."
}
