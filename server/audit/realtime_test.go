package audit_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/samenspel/samenspel/internal/accesslog"
	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
)

// What a realtime subscription receives is logged as a read by the
// subscriber, path realtime: a created goal, the goal a step's expand
// brings along, and a deleted goal. Someone whose rules do not let them see it receives and
// is logged nothing.
func TestRealtimeDeliveriesAreLogged(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.w
	beg := servertest.Subscribe(t, e.url, e.token(w.BegA), "goals/*", "goal_steps/*?options="+url.QueryEscape(`{"query":{"expand":"goal"}}`))
	other := servertest.Subscribe(t, e.url, e.token(w.BegB), "goals/*")

	goal := e.save(schema.Goals, map[string]any{"client": w.ClientA2.Id, "title": "Zelf koken", "status": "idea"})
	if msg := servertest.NextMessage(t, beg); !strings.Contains(msg, goal.Id) {
		t.Fatalf("begeleider got %s, want the new goal", msg)
	}
	got := e.by(w.BegA)
	en := find(t, got, w.ClientA2.Id, accesslog.ActionRead)
	if en.Path != accesslog.PathRealtime || en.Collections != schema.Goals || en.Count != 1 || en.PersonName != "Anouk" {
		t.Fatalf("entry %+v", en)
	}

	step := e.save(schema.GoalSteps, map[string]any{"goal": w.GoalA.Id, "description": "Boodschappenlijst maken", "carried_by": "client"})
	if msg := servertest.NextMessage(t, beg); !strings.Contains(msg, step.Id) || !strings.Contains(msg, `"expand"`) {
		t.Fatalf("begeleider got %s, want the step with its goal", msg)
	}
	en = find(t, e.by(w.BegA), w.ClientA.Id, accesslog.ActionRead)
	if en.Path != accesslog.PathRealtime || en.Collections != "goal_steps,goals" {
		t.Fatalf("entry of the step and its expanded goal %+v", en)
	}

	if err := e.app.Delete(goal); err != nil {
		t.Fatal(err)
	}
	if msg := servertest.NextMessage(t, beg); !strings.Contains(msg, `"delete"`) {
		t.Fatalf("begeleider got %s, want the delete", msg)
	}
	var reads int
	for _, en := range e.by(w.BegA) {
		if en.Client == w.ClientA2.Id && en.Path == accesslog.PathRealtime {
			reads++
		}
	}
	if reads != 2 {
		t.Fatalf("%d realtime entries for the deleted goal's client, want 2 (create, delete): %+v", reads, e.by(w.BegA))
	}

	select {
	case msg := <-other:
		t.Fatalf("begeleider of another team got %s", msg)
	default:
	}
	if got := e.by(w.BegB); len(got) != 0 {
		t.Fatalf("begeleider of another team logged %+v", got)
	}
}

// A superuser's impersonation token cannot subscribe: the log could not
// name the superuser behind the records it would receive. The same
// account's own login can.
func TestRealtimeRefusesImpersonationTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	su := e.superuser("beheer@example.nl")
	tok := e.impersonate(su, e.w.BegA, 0)
	id, _ := servertest.RealtimeConnect(t, e.url)
	if got := servertest.SubscribeStatus(t, e.url, tok, id, "goals/*"); got != http.StatusForbidden {
		t.Fatalf("subscribe with an impersonation token: %d, want 403", got)
	}
	id, _ = servertest.RealtimeConnect(t, e.url)
	if got := servertest.SubscribeStatus(t, e.url, e.token(e.w.BegA), id, "goals/*"); got != http.StatusNoContent {
		t.Fatalf("subscribe with the begeleider's own login: %d, want 204", got)
	}
}
