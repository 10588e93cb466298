package sync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/accesslog"
	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
	fieldsync "github.com/samenspel/samenspel/sync"
)

// renderPull is a fresh in-process pull of person: their records by
// collection and id, and how many of them were rendered from the records
// rather than sent from the render store.
type renderPull struct {
	records  map[string]map[string]map[string]any
	rendered int
}

func (p renderPull) count(collection string) int { return len(p.records[collection]) }

// pulledPage is one in-process pull page as a test reads it.
type pulledPage struct {
	Cursor  string `json:"cursor"`
	HasMore bool   `json:"has_more"`
	Changes []struct {
		Collection string         `json:"collection"`
		ID         string         `json:"id"`
		Op         string         `json:"op"`
		Record     map[string]any `json:"record"`
	} `json:"changes"`
}

// pullPages follows a fresh pull of dev to its end, limit changes a page,
// handing each page to seen; touched, if set, gives the page's access log
// collector.
func pullPages(t *testing.T, svc *fieldsync.Service, dev *fieldsync.Device, limit int, touched func() *accesslog.Touches, seen func(pulledPage)) {
	t.Helper()
	var cursor string
	for {
		req := fieldsync.PullRequest{Cursor: cursor, Limit: limit}
		if touched != nil {
			req.Touched = touched()
		}
		var buf bytes.Buffer
		if err := svc.Pull(context.Background(), dev, req, &buf); err != nil {
			t.Fatal(err)
		}
		var page pulledPage
		if err := json.Unmarshal(buf.Bytes(), &page); err != nil {
			t.Fatalf("page: %v: %s", err, buf.Bytes())
		}
		seen(page)
		if cursor = page.Cursor; !page.HasMore {
			return
		}
	}
}

func pullFresh(t *testing.T, app core.App, person *core.Record) renderPull {
	t.Helper()
	var stats []fieldsync.PullStats
	svc := fieldsync.New(app, fieldsync.Config{OnPull: func(s fieldsync.PullStats) { stats = append(stats, s) }})
	dev := benchInProcessDevice(t, svc, person, fmt.Sprintf("render-%s-%d", person.Id, len(person.Id)))
	out := renderPull{records: map[string]map[string]map[string]any{}}
	pullPages(t, svc, dev, 7, nil, func(page pulledPage) {
		for _, c := range page.Changes {
			if c.Op != "upsert" {
				continue
			}
			if out.records[c.Collection] == nil {
				out.records[c.Collection] = map[string]map[string]any{}
			}
			out.records[c.Collection][c.ID] = c.Record
		}
	})
	for _, s := range stats {
		out.rendered += s.Rendered
	}
	return out
}

func mustStoreRight(t *testing.T, app core.App, when string) {
	t.Helper()
	if bad, err := servertest.RenderStoreMismatches(app); err != nil || len(bad) > 0 {
		t.Fatalf("%s: render store: %v %q", when, err, bad)
	}
}

func execSQL(t *testing.T, app core.App, q string, params dbx.Params) {
	t.Helper()
	if _, err := app.DB().NewQuery(q).Bind(params).Execute(); err != nil {
		t.Fatal(err)
	}
}

// TestPullSendsTheRenderStore: a pull sends what the render store keeps,
// and renders from the records only what the store has no current row for
// (an account, a row of another shape, a record moved to another bucket
// without a change), or what the person may not see whole (a team
// adviser, from whom client ids are hidden).
func TestPullSendsTheRenderStore(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	mustStoreRight(t, app, "after the world was saved")

	// A coordinator's fresh pull: all but the clients' accounts (an auth
	// collection, whose e-mail shows to some and not to others) from the store.
	p := pullFresh(t, app, w.Coord)
	if p.count(schema.Goals) == 0 || p.count(schema.Safaris) == 0 {
		t.Fatalf("the coordinator's pull holds %v", p.records)
	}
	if p.rendered != p.count(schema.Clients) {
		t.Fatalf("rendered %d records, want only the %d clients", p.rendered, p.count(schema.Clients))
	}

	// What is sent is the store's (white box: a marker put in its row).
	execSQL(t, app, "UPDATE sync_render SET change = replace(change, {:title}, 'uit-de-opslag') WHERE record_id = {:id}",
		dbx.Params{"id": w.GoalA.Id, "title": w.GoalA.GetString("title")})
	if got := pullFresh(t, app, w.Coord).records[schema.Goals][w.GoalA.Id]["title"]; got != "uit-de-opslag" {
		t.Fatalf("goal title %v, want the stored one", got)
	}
	// A row of another shape (rendered before the collection's fields
	// changed) is not sent: the record is rendered.
	execSQL(t, app, "UPDATE sync_render SET shape = shape + 1, change = (shape + 1) || substr(change, instr(change, '|')) WHERE record_id = {:id}", dbx.Params{"id": w.GoalA.Id})
	p = pullFresh(t, app, w.Coord)
	if got := p.records[schema.Goals][w.GoalA.Id]["title"]; got != w.GoalA.GetString("title") {
		t.Fatalf("goal title %v, want the record's %q", got, w.GoalA.GetString("title"))
	}
	if p.rendered != p.count(schema.Clients)+1 {
		t.Fatalf("rendered %d, want the clients and the goal of another shape", p.rendered)
	}

	// The collection's fields change (the dashboard): its records are
	// rendered anew into the store, the new field included.
	goals, err := app.FindCollectionByNameOrId(schema.Goals)
	if err != nil {
		t.Fatal(err)
	}
	goals.Fields.Add(&core.TextField{Name: "toelichting"})
	if err := app.Save(goals); err != nil {
		t.Fatal(err)
	}
	mustStoreRight(t, app, "after a field was added to goals")
	p = pullFresh(t, app, w.Coord)
	if v, ok := p.records[schema.Goals][w.GoalA.Id]["toelichting"]; !ok || v != "" {
		t.Fatalf("the new field: %v %v", v, ok)
	}
	if p.rendered != p.count(schema.Clients) {
		t.Fatalf("rendered %d after the refill, want only the %d clients", p.rendered, p.count(schema.Clients))
	}

	// A team adviser gets nothing hidden from them out of the store: a
	// safari without its participants.
	adv := pullFresh(t, app, w.AdvA)
	safari, ok := adv.records[schema.Safaris][w.SafariA.Id]
	if !ok {
		t.Fatalf("the adviser's pull holds no safari of their team: %v", adv.records)
	}
	if _, leak := safari["clients"]; leak {
		t.Fatalf("a team adviser got a safari's clients: %v", safari)
	}

	// A client moves team: the plan's records sit in the new team's
	// buckets at a newer seq than their stored row, so the new team's
	// begeleider gets them rendered, as they are.
	client, err := app.FindRecordById(schema.Clients, w.ClientA.Id)
	if err != nil {
		t.Fatal(err)
	}
	client.Set(schema.FieldTeam, w.TeamB.Id)
	if err := app.Save(client); err != nil {
		t.Fatal(err)
	}
	mustStoreRight(t, app, "after a client moved team")
	begB := pullFresh(t, app, w.BegB)
	if got := begB.records[schema.Goals][w.GoalA.Id]["title"]; got != w.GoalA.GetString("title") {
		t.Fatalf("the moved client's goal for the new team: title %v", got)
	}
	if begB.rendered <= begB.count(schema.Clients) {
		t.Fatalf("rendered %d of the new team's pull, want the moved plan rendered too", begB.rendered)
	}

	// At the start the store is brought up to date: a row nobody points at
	// goes, and records without a row are rendered.
	execSQL(t, app, "DELETE FROM sync_render WHERE record_id = {:id}", dbx.Params{"id": w.GoalB.Id})
	execSQL(t, app, `INSERT INTO sync_render (seq, collection, record_id, shape, change) VALUES (999999, 'goals', 'weg', 1, '1||"version":1,"record":{}')`, nil)
	dropped, stored, err := schema.RefreshRenders(app)
	if err != nil || dropped != 1 || stored != 1 {
		t.Fatalf("refresh: dropped %d, stored %d, %v; want 1, 1", dropped, stored, err)
	}
	mustStoreRight(t, app, "after the refresh")
}

// TestPullCountsClientsAsTheRecordsSay: the access log learns whose data a
// pull delivered from the render store's clients (or, for photos and
// steps, from their parent rows, read as the page is written) exactly as
// reading each record's clients from the records says, for every person.
func TestPullCountsClientsAsTheRecordsSay(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	svc := fieldsync.New(app, fieldsync.Config{})
	for _, person := range []*core.Record{w.Coord, w.BegA, w.BegB, w.AdvAB, w.ClientA} {
		dev := benchInProcessDevice(t, svc, person, "touch-"+person.Id)
		got, want := accesslog.NewTouches(), accesslog.NewTouches()
		var page *accesslog.Touches
		pullPages(t, svc, dev, 5, func() *accesslog.Touches { page = accesslog.NewTouches(); return page }, func(body pulledPage) {
			got.Merge(page)
			for _, c := range body.Changes {
				if c.Op != "upsert" {
					continue
				}
				of, err := schema.ClientsOf(app.DB(), c.Collection, []string{c.ID})
				if err != nil {
					t.Fatal(err)
				}
				for _, client := range of[c.ID] {
					want.Add(client, accesslog.ActionRead, c.Collection, 1)
				}
			}
		})
		g, wnt := got.Entries(accesslog.Entry{}), want.Entries(accesslog.Entry{})
		if len(wnt) == 0 && person != w.AdvAB {
			t.Fatalf("%s: the pull delivered no client's record; the test sees nothing", person.Id)
		}
		if !reflect.DeepEqual(g, wnt) {
			t.Fatalf("%s: the pull counted\n %+v\nthe records say\n %+v", person.Id, g, wnt)
		}
	}
}
