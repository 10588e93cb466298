package hooks

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/schema"
)

// hideFields hides from the person asking the fields of a record they may
// read the record but not the field of (schema.HiddenFields): client ids
// from team advisers, everything but name and role of staff from clients.
// PocketBase runs the enrich hook for every record it sends: REST list
// and view, expanded records, batch results and realtime messages.
func hideFields(e *core.RecordEnrichEvent) error {
	if e.RequestInfo == nil || e.RequestInfo.Auth == nil || e.RequestInfo.Auth.IsSuperuser() {
		return e.Next()
	}
	auth := e.RequestInfo.Auth
	if !schema.IsAdviser(auth) && !schema.IsClientAuth(auth) {
		return e.Next()
	}
	if hidden := schema.HiddenFields(schema.PrincipalOf(auth), e.Record.Collection()); len(hidden) > 0 {
		e.Record.Hide(hidden...)
	}
	return e.Next()
}
