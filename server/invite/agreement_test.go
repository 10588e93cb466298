package invite_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/schema"
)

// The client's agreement (goals.agreed_at) against misuse through every
// write path: the REST API, /api/batch and the sync push. The rule
// (hooks/validate.go): only the client sets agreed_at; a staff member's
// rewording of an agreed goal clears it (the client is asked again); any
// other staff edit leaves it; the client's own rewording keeps it.

const agreedAt = "2026-03-01 10:00:00.000Z"

// goalNow reads a goal from the database.
func goalNow(t *testing.T, app core.App, id string) *core.Record {
	t.Helper()
	g, err := app.FindRecordById(schema.Goals, id)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// agree sets GoalA's agreed_at as the client would have, directly.
func agree(t *testing.T, e *env) {
	t.Helper()
	g := goalNow(t, e.app, e.w.GoalA.Id)
	g.Set(schema.FieldAgreedAt, agreedAt)
	schema.SetAuthor(g, schema.AuthorOf(e.w.ClientA))
	if err := e.app.Save(g); err != nil {
		t.Fatal(err)
	}
}

// writePath writes fields to GoalA as person and returns whether it was
// refused, and the refusal (the error body, or the push result's error).
type writePath struct {
	name  string
	write func(t *testing.T, e *env, person *core.Record, fields map[string]any) (refused bool, why string)
}

var writePaths = []writePath{
	{"REST", func(t *testing.T, e *env, person *core.Record, fields map[string]any) (bool, string) {
		r := e.do("PATCH", "/api/collections/goals/records/"+e.w.GoalA.Id, e.token(person), fields)
		return r.status >= 400, string(r.body)
	}},
	{"batch", func(t *testing.T, e *env, person *core.Record, fields map[string]any) (bool, string) {
		e.app.Settings().Batch.Enabled = true
		r := e.do("POST", "/api/batch", e.token(person), map[string]any{"requests": []map[string]any{
			{"method": "PATCH", "url": "/api/collections/goals/records/" + e.w.GoalA.Id, "body": fields}}})
		return r.status >= 400, string(r.body)
	}},
	{"sync push", func(t *testing.T, e *env, person *core.Record, fields map[string]any) (bool, string) {
		g := goalNow(t, e.app, e.w.GoalA.Id)
		base := map[string]any{}
		for k := range fields {
			base[k] = g.Get(k)
		}
		dev := e.register(person, "dev-"+person.Id)
		res := e.push(dev, map[string]any{"mutation_id": fmt.Sprint(time.Now().UnixNano()), "collection": schema.Goals,
			"id": g.Id, "op": "update", "base_version": g.GetInt(schema.FieldVersion), "data": fields, "base": base})[0]
		switch res["status"] {
		case "applied":
			return false, ""
		case "rejected":
			why, _ := json.Marshal(res["error"])
			return true, string(why)
		}
		t.Fatalf("sync push: %v, want applied or rejected", res)
		return false, ""
	}},
}

// mustNameAgreedAt: the refusal is a validation error (400 on REST and
// batch, invalid_request in a push result) naming agreed_at.
func mustNameAgreedAt(t *testing.T, refused bool, why string) {
	t.Helper()
	var e struct {
		Status int            `json:"status"`
		Code   string         `json:"code"`
		Data   map[string]any `json:"data"`
	}
	if !refused || json.Unmarshal([]byte(why), &e) != nil || e.Status != 400 || !strings.Contains(why, `"`+schema.FieldAgreedAt+`"`) {
		t.Fatalf("refused=%v %s, want a 400 naming agreed_at", refused, why)
	}
	if e.Code != "" && e.Code != "invalid_request" {
		t.Fatalf("code=%s, want invalid_request", e.Code)
	}
}

func TestAgreementEveryPath(t *testing.T) {
	t.Parallel()
	for _, p := range writePaths {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			t.Run("staff cannot set agreed_at", func(t *testing.T) {
				e := newEnv(t)
				before := goalNow(t, e.app, e.w.GoalA.Id)
				refused, why := p.write(t, e, e.w.BegA, map[string]any{schema.FieldAgreedAt: agreedAt})
				mustNameAgreedAt(t, refused, why)
				after := goalNow(t, e.app, e.w.GoalA.Id)
				if after.GetString(schema.FieldAgreedAt) != "" || after.GetInt(schema.FieldVersion) != before.GetInt(schema.FieldVersion) {
					t.Errorf("a refused write changed the goal: agreed_at=%q version %d -> %d",
						after.GetString(schema.FieldAgreedAt), before.GetInt(schema.FieldVersion), after.GetInt(schema.FieldVersion))
				}
			})
			t.Run("staff cannot set agreed_at while rewording", func(t *testing.T) {
				e := newEnv(t)
				refused, why := p.write(t, e, e.w.BegA, map[string]any{schema.FieldAgreedAt: agreedAt, schema.FieldTitle: "Zelf koken"})
				mustNameAgreedAt(t, refused, why)
				if got := goalNow(t, e.app, e.w.GoalA.Id).GetString(schema.FieldTitle); got != e.w.GoalA.GetString(schema.FieldTitle) {
					t.Errorf("title=%q after a refused write", got)
				}
			})
			t.Run("the client sets agreed_at", func(t *testing.T) {
				e := newEnv(t)
				if refused, why := p.write(t, e, e.w.ClientA, map[string]any{schema.FieldAgreedAt: agreedAt}); refused {
					t.Fatalf("refused: %s", why)
				}
				if got := goalNow(t, e.app, e.w.GoalA.Id).GetString(schema.FieldAgreedAt); got != agreedAt {
					t.Errorf("agreed_at=%q, want %q", got, agreedAt)
				}
			})
			t.Run("another client cannot set it", func(t *testing.T) {
				e := newEnv(t)
				if refused, _ := p.write(t, e, e.w.ClientA2, map[string]any{schema.FieldAgreedAt: agreedAt}); !refused {
					t.Fatal("ClientA2 agreed to ClientA's goal") // (the rules refuse it: not_found, they cannot see it)
				}
				if got := goalNow(t, e.app, e.w.GoalA.Id).GetString(schema.FieldAgreedAt); got != "" {
					t.Errorf("agreed_at=%q, want empty", got)
				}
			})
			t.Run("staff rewording clears it", func(t *testing.T) {
				e := newEnv(t)
				agree(t, e)
				if refused, why := p.write(t, e, e.w.BegA, map[string]any{schema.FieldTitle: "Elke week zelf boodschappen doen"}); refused {
					t.Fatalf("refused: %s", why)
				}
				g := goalNow(t, e.app, e.w.GoalA.Id)
				if g.GetString(schema.FieldTitle) != "Elke week zelf boodschappen doen" || g.GetString(schema.FieldAgreedAt) != "" {
					t.Errorf("title=%q agreed_at=%q, want the new title and agreed_at cleared", g.GetString(schema.FieldTitle), g.GetString(schema.FieldAgreedAt))
				}
			})
			t.Run("staff changing another field keeps it", func(t *testing.T) {
				e := newEnv(t)
				agree(t, e)
				if refused, why := p.write(t, e, e.w.BegA, map[string]any{"status": "paused"}); refused {
					t.Fatalf("refused: %s", why)
				}
				g := goalNow(t, e.app, e.w.GoalA.Id)
				if g.GetString("status") != "paused" || g.GetString(schema.FieldAgreedAt) != agreedAt {
					t.Errorf("status=%q agreed_at=%q, want paused and %q", g.GetString("status"), g.GetString(schema.FieldAgreedAt), agreedAt)
				}
			})
			t.Run("the client rewording keeps it", func(t *testing.T) {
				e := newEnv(t)
				agree(t, e)
				if refused, why := p.write(t, e, e.w.ClientA, map[string]any{schema.FieldTitle: "Zelf naar de markt"}); refused {
					t.Fatalf("refused: %s", why)
				}
				if got := goalNow(t, e.app, e.w.GoalA.Id).GetString(schema.FieldAgreedAt); got != agreedAt {
					t.Errorf("agreed_at=%q after the client's own rewording, want %q", got, agreedAt)
				}
			})
		})
	}
}

// A staff member cannot create a goal that is agreed already, by REST or
// sync push.
func TestAgreementOnCreate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	fields := map[string]any{"client": e.w.ClientA.Id, "title": "Nieuw doel", schema.FieldAgreedAt: agreedAt}
	r := e.do("POST", "/api/collections/goals/records", e.token(e.w.BegA), fields)
	if r.status != 400 || !strings.Contains(string(r.body), schema.FieldAgreedAt) {
		t.Errorf("REST create by staff with agreed_at: %d %s, want 400 naming agreed_at", r.status, r.body)
	}
	dev := e.register(e.w.BegA, "bega-phone")
	res := e.push(dev, map[string]any{"mutation_id": "c1", "collection": schema.Goals, "id": "newgoal00000001", "op": "create", "data": fields})[0]
	why, _ := json.Marshal(res["error"])
	if res["status"] != "rejected" || !strings.Contains(string(why), `"invalid_request"`) || !strings.Contains(string(why), schema.FieldAgreedAt) {
		t.Errorf("push create by staff with agreed_at: %v %s, want rejected invalid_request naming agreed_at", res["status"], why)
	}
	if _, err := e.app.FindRecordById(schema.Goals, "newgoal00000001"); err == nil {
		t.Error("the refused goal exists")
	}
	// The client may create their own goal agreed at once.
	fields["title"] = "Mijn eigen doel"
	if r := e.do("POST", "/api/collections/goals/records", e.token(e.w.ClientA), fields); r.status != 200 {
		t.Errorf("client creates an agreed goal: %d %s", r.status, r.body)
	}
}
