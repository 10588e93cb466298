package sdktest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/search"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
)

// TestSDKSeesWhatRulesAllow logs in with the JS SDK as every person of the
// World (and a superuser), lists every collection of ours, and compares each
// list with the collection's ListRule evaluated in Go for that person.
func TestSDKSeesWhatRulesAllow(t *testing.T) {
	node := servertest.NodeModules(t, ".", "pocketbase")

	app := servertest.NewApp(t, nil)
	w := servertest.NewWorld(t, app)
	root := servertest.NewSuperuser(t, app, "root@example.nl")
	srv := servertest.Serve(t, app)

	type person struct {
		name   string
		record *core.Record
		login  string // COLLECTION/IDENTITY, the key listall.mjs prints
	}
	staff := func(name string, r *core.Record) person {
		return person{name, r, schema.Users + "/" + r.Email()}
	}
	client := func(name string, r *core.Record) person {
		return person{name, r, schema.Clients + "/" + r.GetString("username")}
	}
	people := []person{
		staff("BegA", w.BegA), staff("BegB", w.BegB),
		staff("AdvA", w.AdvA), staff("AdvB", w.AdvB), staff("AdvAB", w.AdvAB),
		staff("Coord", w.Coord),
		client("ClientA", w.ClientA), client("ClientA2", w.ClientA2), client("ClientB", w.ClientB),
		{"superuser", root, core.CollectionNameSuperusers + "/" + root.Email()},
	}

	collections := ourCollections(t, app)
	var names []string
	for _, c := range collections {
		names = append(names, c.Name)
	}
	args := []string{"listall.mjs", srv.URL, strings.Join(names, ",")}
	for _, p := range people {
		args = append(args, p.login+":"+servertest.Password)
	}
	seen := mustRunListAll(t, node, args)

	for _, p := range people {
		got, ok := seen[p.login]
		if !ok {
			t.Errorf("%s: listall printed nothing for %s", p.name, p.login)
			continue
		}
		auth, err := app.FindRecordById(p.record.Collection(), p.record.Id)
		if err != nil {
			t.Fatalf("reload %s: %v", p.name, err)
		}
		var counts []string
		for _, c := range collections {
			counts = append(counts, fmt.Sprintf("%s=%s", c.Name, got[c.Name].count()))
		}
		t.Logf("%s sees %s", p.name, strings.Join(counts, " "))
		for _, c := range collections {
			want, forbidden := mustRuleIDs(t, app, c, auth)
			res, ok := got[c.Name]
			switch {
			case !ok:
				t.Errorf("%s %s: not listed", p.name, c.Name)
			case forbidden:
				if res.Error == nil || res.Error.Status != 403 {
					t.Errorf("%s %s: got %v, want 403 (ListRule is superusers only)", p.name, c.Name, res)
				}
			case res.Error != nil:
				t.Errorf("%s %s: SDK error %d %s, want %d records", p.name, c.Name, res.Error.Status, res.Error.Message, len(want))
			case !slices.Equal(res.IDs, want):
				t.Errorf("%s %s: SDK listed %v, ListRule gives %v", p.name, c.Name, res.IDs, want)
			}
		}
	}

	// A few facts of docs/domain.md's access table, so that a rule that lets
	// everything through (or nothing) cannot pass the comparison above.
	ids := func(login, collection string) []string { return seen[login][collection].IDs }
	bega, adva := people[0].login, people[2].login
	clientA, coord, su := people[6].login, people[5].login, people[9].login
	for _, plan := range []string{schema.Goals, schema.GoalSteps, schema.NetworkContacts} {
		if got := ids(adva, plan); len(got) != 0 {
			t.Errorf("AdvA sees %s %v, want none: teamadviseurs never see client plans", plan, got)
		}
	}
	if got, want := ids(clientA, schema.Goals), []string{w.GoalA.Id}; !slices.Equal(got, want) {
		t.Errorf("ClientA sees goals %v, want exactly their own %v", got, want)
	}
	if got := ids(bega, schema.Clients); slices.Contains(got, w.ClientB.Id) || !slices.Contains(got, w.ClientA.Id) || !slices.Contains(got, w.ClientA2.Id) {
		t.Errorf("BegA sees clients %v, want ClientA %s and ClientA2 %s and not ClientB %s", got, w.ClientA.Id, w.ClientA2.Id, w.ClientB.Id)
	}
	if got := ids(adva, schema.Safaris); !slices.Equal(got, []string{w.SafariA.Id}) {
		t.Errorf("AdvA sees safaris %v, want only team A's %s", got, w.SafariA.Id)
	}
	if got, want := len(ids(coord, schema.Goals)), 3; got != want {
		t.Errorf("Coord sees %d goals, want all %d", got, want)
	}
	if got, want := len(ids(su, schema.Teams)), 2; got != want {
		t.Errorf("superuser sees %d teams, want all %d", got, want)
	}
}

// listed is one collection as listall.mjs printed it: ids, or an error.
type listed struct {
	IDs   []string
	Error *listedError
}

type listedError struct {
	Status  int    `json:"status"`
	Message string `json:"message"`
}

func (l *listed) UnmarshalJSON(b []byte) error {
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")) {
		var e struct{ Error *listedError }
		if err := json.Unmarshal(b, &e); err != nil {
			return err
		}
		if e.Error == nil {
			return fmt.Errorf("listed: object without error: %s", b)
		}
		l.Error = e.Error
		return nil
	}
	return json.Unmarshal(b, &l.IDs)
}

func (l listed) count() string {
	if l.Error != nil {
		return fmt.Sprint(l.Error.Status)
	}
	return fmt.Sprint(len(l.IDs))
}

func (l listed) String() string {
	if l.Error != nil {
		return fmt.Sprintf("error %d %s", l.Error.Status, l.Error.Message)
	}
	return fmt.Sprint(l.IDs)
}

// ourCollections returns every collection that is not PocketBase's own,
// sorted by name.
func ourCollections(tb testing.TB, app core.App) []*core.Collection {
	tb.Helper()
	all, err := app.FindAllCollections()
	if err != nil {
		tb.Fatalf("collections: %v", err)
	}
	var ours []*core.Collection
	for _, c := range all {
		if !c.System && !strings.HasPrefix(c.Name, "_") {
			ours = append(ours, c)
		}
	}
	slices.SortFunc(ours, func(a, b *core.Collection) int { return strings.Compare(a.Name, b.Name) })
	if len(ours) < len(schema.Synced) {
		tb.Fatalf("found %d collections of ours, want at least the %d synced ones", len(ours), len(schema.Synced))
	}
	return ours
}

// mustRuleIDs returns the sorted ids that the collection's ListRule gives
// auth, evaluated the way apis/record_crud.go does for a list request, or
// forbidden when the rule is superusers-only and auth is not one.
func mustRuleIDs(tb testing.TB, app core.App, c *core.Collection, auth *core.Record) (ids []string, forbidden bool) {
	tb.Helper()
	superuser := auth.IsSuperuser()
	if c.ListRule == nil && !superuser {
		return nil, true
	}
	q := app.RecordQuery(c)
	if !superuser && *c.ListRule != "" {
		info := &core.RequestInfo{Auth: auth, Method: "GET", Context: core.RequestInfoContextDefault,
			Query: map[string]string{}, Headers: map[string]string{}, Body: map[string]any{}}
		r := core.NewRecordFieldResolver(app, c, info, true)
		expr, err := search.FilterData(*c.ListRule).BuildExpr(r)
		if err != nil {
			tb.Fatalf("%s ListRule: %v", c.Name, err)
		}
		q.AndWhere(expr)
		if err := r.UpdateQuery(q); err != nil {
			tb.Fatalf("%s ListRule joins: %v", c.Name, err)
		}
	}
	var records []*core.Record
	if err := q.All(&records); err != nil {
		tb.Fatalf("%s ListRule query: %v", c.Name, err)
	}
	ids = []string{}
	for _, r := range records {
		ids = append(ids, r.Id)
	}
	slices.Sort(ids)
	return ids, false
}

// mustRunListAll runs listall.mjs and decodes what it printed.
func mustRunListAll(tb testing.TB, node string, args []string) map[string]map[string]listed {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		tb.Fatalf("node listall.mjs: %v\nstderr:\n%s", err, stderr.String())
	}
	seen := map[string]map[string]listed{}
	if err := json.Unmarshal(stdout.Bytes(), &seen); err != nil {
		tb.Fatalf("listall.mjs output: %v\n%s", err, stdout.String())
	}
	return seen
}
