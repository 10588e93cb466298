package audit

import (
	"context"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/accesslog"
	fieldsync "github.com/samenspel/samenspel/sync"
)

// ActionErase is the entry of a client's erasure: who erased whom and
// when, and how many records went; nothing of what was erased.
const ActionErase = "erase"

// Erased records an erasure (sync.ErasureHook). It is called inside the
// erasure's transaction; the entry is handed to the log's writer, so the
// erasure does not wait for the log's disk.
func (r *Recorder) Erased(_ context.Context, e fieldsync.Erasure) error {
	if r == nil {
		return nil
	}
	by, id, _ := strings.Cut(e.By, ":")
	entry := accesslog.Entry{
		At: e.At, Client: e.Client, Collections: "clients", Action: ActionErase,
		Count: e.Removed.Records, Path: accesslog.PathREST, OnBehalfOf: e.OnBehalfOf,
	}
	switch by {
	case "users":
		entry.Person, entry.PersonCollection, entry.Role = id, "users", "coordinator"
		if u, err := r.app.FindRecordById("users", id); err == nil {
			entry.Role, entry.PersonName = u.GetString("role"), u.GetString("name")
		}
	case "_superusers":
		entry.Person, entry.PersonCollection, entry.Role = id, "_superusers", "superuser"
		if su, err := r.app.FindRecordById(core.CollectionNameSuperusers, id); err == nil {
			entry.PersonName = su.Email() // as Who names a superuser
		}
		if e.OnBehalfOf == "" {
			entry.Path = accesslog.PathDashboard // as themselves; as someone else, through that account's API
		}
	default: // "cli:<who asked>"
		entry.Person, entry.PersonCollection, entry.Role, entry.Path, entry.PersonName = "cli", "cli", "operator", "cli", id
	}
	r.Add(entry)
	return nil
}
