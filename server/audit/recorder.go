package audit

import (
	"fmt"
	"path/filepath"
	gosync "sync"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/accesslog"
	"github.com/samenspel/samenspel/schema"
	fieldsync "github.com/samenspel/samenspel/sync"
)

// Recorder hands entries to the app's access log, opening it on first use.
// A nil *Recorder records nothing (the log is off: tests and benchmarks
// that measure without it).
type Recorder struct {
	app  core.App
	once gosync.Once
	log  *accesslog.Log
	err  error
	mu   gosync.Mutex // guards closing against opening
	shut bool
	runs *pullRuns
}

// NewRecorder returns a recorder for app's data dir.
func NewRecorder(app core.App) *Recorder { return &Recorder{app: app, runs: newPullRuns()} }

// Log returns the open log, opening it at pb_data/access_log.db on first
// use.
func (r *Recorder) Log() (*accesslog.Log, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.shut {
		return nil, accesslog.ErrClosed
	}
	r.once.Do(func() {
		r.log, r.err = accesslog.Open(filepath.Join(r.app.DataDir(), accesslog.FileName), r.app.Logger())
	})
	return r.log, r.err
}

// Close writes what is queued and closes the log, if it was opened.
func (r *Recorder) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.shut = true
	if r.log == nil {
		return nil
	}
	return r.log.Close()
}

// Add records entries. A failure to hand them over (the log cannot be
// opened, or is closed) is logged as an error: the access already
// happened and cannot be undone.
func (r *Recorder) Add(entries ...accesslog.Entry) {
	if r == nil || len(entries) == 0 {
		return
	}
	l, err := r.Log()
	if err == nil {
		err = l.Add(entries...)
	}
	if err != nil {
		r.app.Logger().Error("access log: entries not recorded", "entries", len(entries), "error", err.Error())
	}
}

// Touched records the touches of one request, each entry a copy of base.
func (r *Recorder) Touched(base accesslog.Entry, t *accesslog.Touches) {
	if r == nil {
		return
	}
	r.Add(t.Entries(base)...)
}

// PullTouched records the touches of one sync pull page, served to the
// device with sync_devices record id device, which sent cursor sent (""
// for none) and got end: once per client and action per pull run (see
// pullRuns), each entry a copy of base. t loses what was logged before.
func (r *Recorder) PullTouched(base accesslog.Entry, device, sent string, end fieldsync.PageEnd, t *accesslog.Touches) {
	if r == nil {
		return
	}
	r.runs.page(device, sent, end, t)
	r.Touched(base, t)
}

// Touches returns a collector, or nil when r is nil (nothing is collected).
func (r *Recorder) Touches() *accesslog.Touches {
	if r == nil {
		return nil
	}
	return accesslog.NewTouches()
}

// Who is the base entry of a request by auth (nil: a guest) over path; a
// superuser's REST requests are the dashboard's.
func Who(auth *core.Record, path, ip string) accesslog.Entry {
	e := accesslog.Entry{Path: path, IP: ip, Role: "guest"}
	if auth == nil {
		return e
	}
	e.Person, e.PersonCollection = auth.Id, auth.Collection().Name
	switch {
	case auth.IsSuperuser():
		e.Role, e.PersonName = "superuser", auth.Email()
		if path == accesslog.PathREST {
			e.Path = accesslog.PathDashboard
		}
	case e.PersonCollection == schema.Clients:
		e.Role = "client"
	default:
		e.Role, e.PersonName = auth.GetString(schema.FieldRole), auth.GetString(schema.FieldName)
	}
	return e
}

// touchRecordsOrSay is touchRecords for records already sent: a failure
// cannot stop the access, so it is logged loudly (with the attributes
// that say where), and what was counted stays in t.
func touchRecordsOrSay(app core.App, t *accesslog.Touches, action string, records []*core.Record, where ...any) {
	if err := touchRecords(app, t, action, records); err != nil {
		app.Logger().Error("access log: entries not recorded", append(where, "error", err.Error())...)
	}
}

// touchRecords counts records (and what they expanded) per client.
func touchRecords(app core.App, t *accesslog.Touches, action string, records []*core.Record) error {
	ids := map[string][]string{}
	var walk func(rs []*core.Record)
	walk = func(rs []*core.Record) {
		for _, rec := range rs {
			if rec == nil {
				continue
			}
			if name := rec.Collection().Name; schema.HoldsClientData(name) {
				ids[name] = append(ids[name], rec.Id)
			}
			for _, v := range rec.Expand() {
				switch v := v.(type) {
				case *core.Record:
					walk([]*core.Record{v})
				case []*core.Record:
					walk(v)
				}
			}
		}
	}
	walk(records)
	for collection, list := range ids {
		got, err := schema.ClientsOf(app.DB(), collection, list)
		if err != nil {
			return fmt.Errorf("access log: %w", err)
		}
		for _, id := range list {
			for _, c := range got[id] {
				t.Add(c, action, collection, 1)
			}
		}
	}
	return nil
}
