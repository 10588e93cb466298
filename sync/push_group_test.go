package sync_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/internal/servertest"
	fieldsync "github.com/samenspel/samenspel/sync"
)

// TestPushGroupCommit holds the writer while pushes from several devices
// arrive, so they commit as a group: each push must be answered as if it
// had been alone. One push was made in another history (refused whole,
// the others unharmed), one carries a create for another team's client
// (that mutation refused, the rest of its push applied), one is a
// replay of an earlier push (answered from its stored results), and two
// pushes of one device in one group see each other's writes in order.
func TestPushGroupCommit(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	svc := fieldsync.New(app, fieldsync.Config{})
	ctx := context.Background()
	begA := benchInProcessDevice(t, svc, w.BegA, "group-a")
	begA2 := benchInProcessDevice(t, svc, w.BegA, "group-a2")
	begB := benchInProcessDevice(t, svc, w.BegB, "group-b")
	begB2 := benchInProcessDevice(t, svc, w.BegB, "group-b2")

	goal := func(mid, client, title string) map[string]any {
		id := fmt.Sprintf("%-15.15s", strings.ReplaceAll(mid, "-", "x")+"000000000000000")
		return map[string]any{"mutation_id": mid, "collection": "goals", "id": id, "op": "create",
			"data": map[string]any{"client": client, "title": title, "status": "active"}}
	}
	body := func(history string, muts ...map[string]any) []byte {
		b, err := json.Marshal(map[string]any{"history": history, "mutations": muts})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// An earlier push, alone, to be replayed in the group.
	earlier, err := svc.Push(ctx, begB, body("", goal("b-earlier", w.ClientB.Id, "eerder")))
	if err != nil || earlier.Results[0].Status != fieldsync.StatusApplied {
		t.Fatalf("earlier push: %v %+v", err, earlier)
	}
	history := earlier.History

	type push struct {
		name string
		dev  *fieldsync.Device
		raw  []byte
		res  *fieldsync.PushResponse
		err  error
	}
	pushes := []*push{
		{name: "a: two goals", dev: begA, raw: body(history, goal("a-1", w.ClientA.Id, "a een"), goal("a-2", w.ClientA2.Id, "a twee"))},
		{name: "b: replay", dev: begB, raw: body(history, goal("b-earlier", w.ClientB.Id, "eerder"))},
		{name: "a2: other history", dev: begA2, raw: body("not-this-history", goal("a2-1", w.ClientA.Id, "andere geschiedenis"))},
		{name: "b: one of another team", dev: begB, raw: body(history, goal("b-1", w.ClientA.Id, "niet van b"), goal("b-2", w.ClientB.Id, "b twee"))},
		{name: "b2", dev: begB2, raw: body(history, goal("b2-1", w.ClientB.Id, "tweede telefoon"))},
		{name: "a: again, after its first", dev: begA, raw: body(history, goal("a-1", w.ClientA.Id, "a een"), goal("a-3", w.ClientA.Id, "a drie"))},
	}

	// Hold the writer, send every push, let go once all wait for it.
	holding, release := make(chan struct{}), make(chan struct{})
	held := make(chan error, 1)
	go func() {
		held <- app.RunInTransaction(func(tx core.App) error {
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	done := make(chan *push, len(pushes))
	for i, p := range pushes {
		go func() {
			p.res, p.err = svc.Push(ctx, p.dev, p.raw)
			done <- p
		}()
		if i == 0 {
			time.Sleep(200 * time.Millisecond) // the first leads, and waits for the writer alone
		}
	}
	time.Sleep(500 * time.Millisecond) // the rest queue behind it
	close(release)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	for range pushes {
		<-done
	}
	if n := svc.GroupedPushes(); n < 2 {
		t.Fatalf("%d pushes committed in groups: the test did not make a group", n)
	}

	status := func(p *push) string {
		if p.err != nil {
			return "error"
		}
		var out string
		for _, r := range p.res.Results {
			out += r.Status + " "
		}
		return out
	}
	want := map[string]string{
		"a: two goals":              "applied applied ",
		"b: replay":                 "applied ",
		"a2: other history":         "error",
		"b: one of another team":    "rejected applied ",
		"b2":                        "applied ",
		"a: again, after its first": "applied applied ",
	}
	for _, p := range pushes {
		if got := status(p); got != want[p.name] {
			t.Errorf("%s: %s (err %v), want %s", p.name, got, p.err, want[p.name])
		}
	}
	var pe *apierr.Error
	if !errors.As(pushes[2].err, &pe) || pe.Code != apierr.CodeCursorExpired {
		t.Errorf("push in another history: %v, want %s", pushes[2].err, apierr.CodeCursorExpired)
	}
	if got, was := pushes[1].res.Results[0], earlier.Results[0]; string(got.Record) != string(was.Record) || got.Version != was.Version {
		t.Errorf("the replay answered %+v, the push it replays %+v", got, was)
	}
	if a, again := pushes[0].res.Results[0], pushes[5].res.Results[0]; string(a.Record) != string(again.Record) || a.Version != again.Version {
		t.Errorf("a-1 sent twice: %+v then %+v, want the same answer", a, again)
	}

	// What is in the database is what the answers say, once each.
	for title, n := range map[string]int{"a een": 1, "a twee": 1, "a drie": 1, "eerder": 1, "b twee": 1, "tweede telefoon": 1,
		"andere geschiedenis": 0, "niet van b": 0} {
		recs, err := app.FindAllRecords("goals", dbx.HashExp{"title": title})
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != n {
			t.Errorf("goal %q: %d in the database, want %d", title, len(recs), n)
		}
	}
}

// TestPushGroupSurvivesAPanic: a push whose write panics (a bug in a
// hook) fails, and so do the pushes committed in its group (their
// transaction was rolled back: nothing of them is written, and the
// phones send them again), but nothing waits forever: the pushes after
// them are applied.
func TestPushGroupSurvivesAPanic(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	app.OnRecordCreate("goals").BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetString("title") == "paniek" {
			panic("a bug in a hook")
		}
		return e.Next()
	})
	svc := fieldsync.New(app, fieldsync.Config{})
	ctx := context.Background()
	devs := []*fieldsync.Device{
		benchInProcessDevice(t, svc, w.BegA, "panic-a"), benchInProcessDevice(t, svc, w.BegA, "panic-a2"), benchInProcessDevice(t, svc, w.BegA, "panic-a3"),
	}
	push := func(dev *fieldsync.Device, mid, title string) error {
		id := fmt.Sprintf("%-15.15s", strings.ReplaceAll(mid, "-", "x")+"000000000000000")
		raw, _ := json.Marshal(map[string]any{"mutations": []map[string]any{{"mutation_id": mid, "collection": "goals", "id": id, "op": "create",
			"data": map[string]any{"client": w.ClientA.Id, "title": title, "status": "active"}}}})
		res, err := svc.Push(ctx, dev, raw)
		if err == nil && res.Results[0].Status != fieldsync.StatusApplied {
			return fmt.Errorf("%s", res.Results[0].Status)
		}
		return err
	}

	holding, release := make(chan struct{}), make(chan struct{})
	go app.RunInTransaction(func(tx core.App) error {
		close(holding)
		<-release
		return nil
	})
	<-holding
	errs := make(chan error, 3)
	go func() { errs <- push(devs[0], "lead", "gewoon") }()
	time.Sleep(200 * time.Millisecond) // the first leads, and waits for the writer alone
	go func() { errs <- push(devs[1], "boom", "paniek") }()
	go func() { errs <- push(devs[2], "beside", "ernaast") }()
	time.Sleep(500 * time.Millisecond) // the other two queue behind it: one group
	close(release)
	failed := 0
	for range 3 {
		select {
		case err := <-errs:
			if err != nil {
				failed++
			}
		case <-time.After(30 * time.Second):
			t.Fatal("a push still waits 30 s after a panic in its group")
		}
	}
	if svc.GroupedPushes() < 2 || failed != 2 {
		t.Fatalf("grouped %d, failed %d: want the panicking push and the one beside it failed, in one group", svc.GroupedPushes(), failed)
	}
	for _, title := range []string{"paniek", "ernaast"} {
		if recs, _ := app.FindAllRecords("goals", dbx.HashExp{"title": title}); len(recs) != 0 {
			t.Fatalf("goal %q of the failed group is in the database", title)
		}
	}
	done := make(chan error, 1)
	go func() { done <- push(devs[2], "after", "daarna") }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("a push after the panic: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a push after the panic never finished: the lead was lost")
	}
}
