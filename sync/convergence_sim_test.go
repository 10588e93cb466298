package sync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/sync/client"
)

var traceSim = os.Getenv("SAMENSPEL_SIM_TRACE") != ""

type simDevice struct {
	name   string
	person *core.Record
	c      *client.Client
}

type sim struct {
	t          *testing.T
	seed       uint64
	rng        *rand.Rand
	app        *tests.TestApp
	srv        *httptest.Server
	w          *servertest.World
	devices    []*simDevice
	counter    int
	typed      map[string]string   // value -> where it was typed
	superseded map[string]bool     // values someone replaced knowingly
	deleting   map[string][]string // delete mutation id -> values the device saw in the record
	teamC      string              // a team nobody works in: clients moved there leave every begeleider's sight
}

func newSim(t *testing.T, seed uint64) *sim {
	app := servertest.NewApp(t, nil)
	w := servertest.NewWorld(t, app)
	s := &sim{t: t, seed: seed, rng: rand.New(rand.NewPCG(seed, 7)), app: app, w: w,
		srv: servertest.Serve(t, app), typed: map[string]string{}, superseded: map[string]bool{}, deleting: map[string][]string{}}
	teams, err := app.FindCollectionByNameOrId(schema.Teams)
	if err != nil {
		t.Fatal(err)
	}
	teamC := core.NewRecord(teams)
	teamC.Set("name", "Team Oost")
	if err := app.Save(teamC); err != nil {
		t.Fatal(err)
	}
	s.teamC = teamC.Id
	people := []struct {
		name string
		rec  *core.Record
	}{
		{"BegA", w.BegA}, {"BegA-tablet", w.BegA}, {"BegB", w.BegB}, {"AdvA", w.AdvA}, {"AdvAB", w.AdvAB},
		{"Coord", w.Coord}, {"ClientA", w.ClientA}, {"ClientA2", w.ClientA2}, {"ClientB", w.ClientB},
	}
	for i, p := range people {
		c := client.New(s.srv.URL, fmt.Sprintf("dev%d-%s", i, p.name))
		c.BaseBackoff = 0
		// Most devices pull in pages of a few records, so every seed
		// crosses page boundaries (rows of one seq in several buckets
		// split over pages) as well as pulling in one page.
		c.PullLimit = []int{0, 1, 2, 3}[i%4]
		d := &simDevice{name: p.name, person: p.rec, c: c}
		c.OnResult = func(m client.Mutation, r client.Result) { s.noteResult(m, r) }
		if err := c.Register(context.Background(), servertest.Token(t, p.rec)); err != nil {
			t.Fatalf("register %s: %v", p.name, err)
		}
		if err := c.Sync(context.Background()); err != nil {
			t.Fatalf("first sync %s: %v", p.name, err)
		}
		s.devices = append(s.devices, d)
	}
	return s
}

// value makes a unique, recognisable typed value and remembers it.
func (s *sim) value(where string) string {
	s.counter++
	v := fmt.Sprintf("⟨%d-%d⟩", s.seed, s.counter)
	s.typed[v] = where
	return v
}

// noteResult marks the values a mutation replaced knowingly: its base.
func (s *sim) noteResult(m client.Mutation, r client.Result) {
	if traceSim {
		mj, _ := json.Marshal(m)
		rj, _ := json.Marshal(r)
		s.t.Logf("push %s -> %s", mj, rj)
	}
	if r.Status == "rejected" {
		return
	}
	if r.Status == "applied" {
		for _, v := range s.deleting[m.MutationID] {
			s.superseded[v] = true // deleted by someone who saw it
		}
	}
	for _, v := range m.Base {
		if str, ok := v.(string); ok {
			s.superseded[str] = true
		}
	}
}

func (s *sim) pickDevice() *simDevice { return s.devices[s.rng.IntN(len(s.devices))] }

func pick[T any](rng *rand.Rand, xs []T) (T, bool) {
	var zero T
	if len(xs) == 0 {
		return zero, false
	}
	return xs[rng.IntN(len(xs))], true
}

// textFields are the fields the simulation types into, per collection.
var textFields = map[string][]string{
	schema.Goals:           {"title", "why"},
	schema.NetworkContacts: {"name", "note"},
	schema.GoalSteps:       {"description", "reflection"},
	schema.Observations:    {"title", "note"},
	schema.Safaris:         {"title", "reflection"},
	schema.Feedback:        {"text"},
	schema.Clients:         {"name"},
}

// editOffline makes one offline change on a device: an update of a record
// it holds, a create under a parent it holds (now and then as a hostile
// app would send it: a list of parents, an id already in use), or a
// delete.
func (s *sim) editOffline(d *simDevice) {
	view := d.c.View()
	collection, _ := pick(s.rng, slices.Sorted(mapKeys(textFields)))
	field, _ := pick(s.rng, textFields[collection])
	id, ok := pick(s.rng, view.IDs(collection))
	switch op := s.rng.IntN(10); {
	case op < 6 && ok:
		v := s.value(fmt.Sprintf("%s update %s.%s", d.name, collection, field))
		d.c.Update(collection, id, map[string]any{field: v})
	case op < 9:
		s.createOffline(d, view, collection)
	case ok && collection != schema.Clients:
		d.c.Delete(collection, id)
		pending := d.c.Pending()
		mid := pending[len(pending)-1].MutationID
		for _, r := range withChildren(view, collection, id) {
			for _, v := range r {
				if str, ok := v.(string); ok {
					s.deleting[mid] = append(s.deleting[mid], str)
				}
			}
		}
	}
}

// withChildren returns a record and the records a delete of it cascades
// to, as far as the device can see them.
func withChildren(view *client.Store, collection, id string) []client.Record {
	out := []client.Record{view.Get(collection, id)}
	children := map[string][2]string{
		schema.Safaris: {schema.Observations, "safari"},
		schema.Goals:   {schema.GoalSteps, "goal"},
	}
	if ch, ok := children[collection]; ok {
		for _, cid := range view.IDs(ch[0]) {
			if r := view.Get(ch[0], cid); r[ch[1]] == id {
				out = append(out, withChildren(view, ch[0], cid)...)
			}
		}
	}
	return out
}

func (s *sim) createOffline(d *simDevice, view *client.Store, collection string) {
	where := fmt.Sprintf("%s create %s", d.name, collection)
	data := map[string]any{}
	parent := func(c string) (string, bool) { return pick(s.rng, view.IDs(c)) }
	switch collection {
	case schema.Goals:
		cl, ok := parent(schema.Clients)
		if !ok {
			return
		}
		data = map[string]any{"client": cl, "title": s.value(where), "status": "idea"}
	case schema.NetworkContacts:
		cl, ok := parent(schema.Clients)
		if !ok {
			return
		}
		data = map[string]any{"client": cl, "name": s.value(where), "relation": "friend", "circle": 2}
	case schema.GoalSteps:
		g, ok := parent(schema.Goals)
		if !ok {
			return
		}
		data = map[string]any{"goal": g, "description": s.value(where), "carried_by": "client"}
	case schema.Observations:
		sf, ok := parent(schema.Safaris)
		if !ok {
			return
		}
		data = map[string]any{"safari": sf, "title": s.value(where), "kind": "place"}
		if d.person.Collection().Name == schema.Clients {
			data["author_client"] = d.person.Id
		} else {
			data["author_user"] = d.person.Id
		}
	case schema.Feedback:
		tm, ok := parent(schema.Teams)
		if !ok {
			return
		}
		data = map[string]any{"team": tm, "author": d.person.Id, "kind": "question", "text": s.value(where)}
	case schema.Safaris:
		tm, ok := parent(schema.Teams)
		if !ok {
			return
		}
		data = map[string]any{"team": tm, "title": s.value(where), "status": "planned"}
	default:
		return
	}
	id := ""
	switch s.rng.IntN(12) {
	case 0:
		// A hostile app: the parent as a list, with a parent of any team
		// after it. Refused by push as by REST, and kept as a rejection.
		for _, rel := range []string{"client", "goal", "safari", "team"} {
			if v, ok := data[rel].(string); ok {
				data[rel] = []string{v, s.anyParent(rel)}
			}
		}
	case 1:
		// An id the device already used for another record.
		if used, ok := pick(s.rng, view.IDs(collection)); ok {
			id = used
		}
	}
	d.c.Create(collection, id, data)
}

// anyParent is a parent of the relation's collection from either team,
// whoever may see it.
func (s *sim) anyParent(relation string) string {
	w := s.w
	ids := map[string][]string{
		"client": {w.ClientA.Id, w.ClientA2.Id, w.ClientB.Id},
		"goal":   {w.GoalA.Id, w.GoalA2.Id, w.GoalB.Id},
		"safari": {w.SafariA.Id, w.SafariB.Id},
		"team":   {w.TeamA.Id, w.TeamB.Id, s.teamC},
	}[relation]
	id, _ := pick(s.rng, ids)
	return id
}

// partialSync does part of a sync: a push, a single pull page (of the
// device's page size, or of one record: partway through a drop after its
// person left a team, which the next pulls may finish in one large page
// after they rejoined), or both.
func (s *sim) partialSync(ctx context.Context, d *simDevice) {
	var err error
	switch s.rng.IntN(4) {
	case 0:
		err = d.c.Push(ctx)
	case 1:
		_, err = d.c.PullPage(ctx)
	case 2:
		limit := d.c.PullLimit
		d.c.PullLimit = 1
		_, err = d.c.PullPage(ctx)
		d.c.PullLimit = limit
	default:
		err = d.c.Sync(ctx)
	}
	if err != nil {
		s.t.Fatalf("seed %d: sync %s: %v", s.seed, d.name, err)
	}
}

// restWrite has a person change a record through the REST API, as the JS
// SDK or the admin UI would, knowingly replacing what they read.
func (s *sim) restWrite() {
	people := []*core.Record{s.w.BegA, s.w.BegB, s.w.ClientA, s.w.ClientB, s.w.AdvA}
	person, _ := pick(s.rng, people)
	collection, _ := pick(s.rng, slices.Sorted(mapKeys(textFields)))
	field, _ := pick(s.rng, textFields[collection])
	recs := s.restList(person, collection)
	id, ok := pick(s.rng, slices.Sorted(mapKeys(recs)))
	if !ok {
		return
	}
	if old, ok := recs[id][field].(string); ok {
		s.superseded[old] = true
	}
	v := s.value(fmt.Sprintf("REST %s %s/%s.%s", person.Id, collection, id, field))
	status, body := s.rest(person, "PATCH", "/api/collections/"+collection+"/records/"+id, map[string]any{field: v})
	if traceSim {
		s.t.Logf("REST %s PATCH %s/%s %s=%s -> %d", person.Id, collection, id, field, v, status)
	}
	if status != 200 {
		delete(s.typed, v) // refused writes change nothing, and nothing was typed into the system
		if status != 403 && status != 404 && status != 400 {
			s.t.Fatalf("seed %d: REST PATCH %s/%s: %d %s", s.seed, collection, id, status, body)
		}
	}
}

// scopeChange moves people between teams or safaris.
func (s *sim) scopeChange() {
	a, b := s.w.TeamA.Id, s.w.TeamB.Id
	other := func(t string) string {
		if t == a {
			return b
		}
		return a
	}
	switch s.rng.IntN(5) {
	case 0: // a coordinator moves a client to the other team
		cl, _ := pick(s.rng, []*core.Record{s.w.ClientA, s.w.ClientA2, s.w.ClientB})
		cur := s.restGet(s.w.Coord, schema.Clients, cl.Id)
		s.mustREST(s.w.Coord, "PATCH", "/api/collections/clients/records/"+cl.Id, map[string]any{"team": other(cur["team"].(string))})
	case 1: // a begeleider joins or leaves the other team
		u, _ := pick(s.rng, []*core.Record{s.w.BegA, s.w.BegB})
		teams := toStrings(s.restGet(s.w.Coord, schema.Users, u.Id)["teams"])
		home := a
		if u.Id == s.w.BegB.Id {
			home = b
		}
		want := []string{home}
		if len(teams) == 1 {
			want = append(want, other(home))
		}
		s.mustREST(s.w.Coord, "PATCH", "/api/collections/users/records/"+u.Id, map[string]any{"teams": want})
	case 2: // an adviser starts or stops advising team B
		adv := toStrings(s.restGet(s.w.Coord, schema.Users, s.w.AdvA.Id)["advises"])
		want := []string{a}
		if len(adv) == 1 {
			want = append(want, b)
		}
		s.mustREST(s.w.Coord, "PATCH", "/api/collections/users/records/"+s.w.AdvA.Id, map[string]any{"advises": want})
	case 3: // a begeleider leaves the other team for a while
		s.leaveAndRejoin()
	default: // Go code changes who takes part in a safari
		sf, err := s.app.FindRecordById(schema.Safaris, s.w.SafariA.Id)
		if err != nil {
			return // deleted by someone
		}
		clients, err := s.app.FindAllRecords(schema.Clients)
		if err != nil {
			s.t.Fatal(err)
		}
		var same []string
		for _, c := range clients {
			if c.GetString("team") == sf.GetString("team") && s.rng.IntN(2) == 0 {
				same = append(same, c.Id)
			}
		}
		sf.Set("clients", same)
		if err := s.app.Save(sf); err != nil {
			s.t.Fatalf("seed %d: save safari participants: %v", s.seed, err)
		}
	}
}

// leaveAndRejoin has a begeleider leave the other team while their devices
// hold its records: they sync, the begeleider leaves, their devices pull a
// page of one record (partway through dropping the team), a client of the
// team moves to team C (out of the begeleider's sight), and the begeleider
// joins the team again. Their devices still hold records of the team they
// have not dropped, and no longer see the moved client's.
func (s *sim) leaveAndRejoin() {
	ctx := context.Background()
	u, _ := pick(s.rng, []*core.Record{s.w.BegA, s.w.BegB})
	home, other := s.w.TeamA.Id, s.w.TeamB.Id
	if u.Id == s.w.BegB.Id {
		home, other = other, home
	}
	clients, err := s.app.FindAllRecords(schema.Clients)
	if err != nil {
		s.t.Fatal(err)
	}
	moving, _ := pick(s.rng, clients)
	path := "/api/collections/users/records/" + u.Id
	s.mustREST(s.w.Coord, "PATCH", path, map[string]any{"teams": []string{home, other}})
	s.mustREST(s.w.Coord, "PATCH", "/api/collections/clients/records/"+moving.Id, map[string]any{"team": other})
	var devices []*simDevice
	for _, d := range s.devices {
		if d.person.Id == u.Id {
			devices = append(devices, d)
			if err := d.c.Sync(ctx); err != nil {
				s.t.Fatalf("seed %d: sync %s: %v", s.seed, d.name, err)
			}
		}
	}
	s.mustREST(s.w.Coord, "PATCH", path, map[string]any{"teams": []string{home}})
	for _, d := range devices {
		limit := d.c.PullLimit
		d.c.PullLimit = 1
		_, err := d.c.PullPage(ctx)
		d.c.PullLimit = limit
		if err != nil {
			s.t.Fatalf("seed %d: pull %s: %v", s.seed, d.name, err)
		}
	}
	s.mustREST(s.w.Coord, "PATCH", "/api/collections/clients/records/"+moving.Id, map[string]any{"team": s.teamC})
	s.mustREST(s.w.Coord, "PATCH", path, map[string]any{"teams": []string{home, other}})
	// One of their devices finishes its sync now (in one page or in pages
	// of a few records): it holds exactly what its person may see. Later
	// changes could otherwise hide a record it kept by mistake.
	d, _ := pick(s.rng, devices)
	if err := d.c.Sync(ctx); err != nil {
		s.t.Fatalf("seed %d: sync %s: %v", s.seed, d.name, err)
	}
	s.assertConverged(d)
}

// restList lists a collection through the REST API as person, records
// without PocketBase's collectionId/collectionName.
func (s *sim) restList(person *core.Record, collection string) map[string]client.Record {
	out := map[string]client.Record{}
	for page := 1; ; page++ {
		status, body := s.rest(person, "GET", fmt.Sprintf("/api/collections/%s/records?perPage=500&page=%d&skipTotal=1", collection, page), nil)
		if status != 200 {
			s.t.Fatalf("seed %d: list %s as %s: %d %s", s.seed, collection, person.Id, status, body)
		}
		var res struct {
			Items []client.Record `json:"items"`
		}
		if err := json.Unmarshal(body, &res); err != nil {
			s.t.Fatal(err)
		}
		for _, r := range res.Items {
			delete(r, "collectionId")
			delete(r, "collectionName")
			out[r["id"].(string)] = r
		}
		if len(res.Items) < 500 {
			return out
		}
	}
}

func (s *sim) restGet(person *core.Record, collection, id string) client.Record {
	status, body := s.rest(person, "GET", "/api/collections/"+collection+"/records/"+id, nil)
	if status != 200 {
		s.t.Fatalf("seed %d: get %s/%s: %d %s", s.seed, collection, id, status, body)
	}
	var r client.Record
	_ = json.Unmarshal(body, &r)
	return r
}

func (s *sim) mustREST(person *core.Record, method, path string, body any) {
	if status, raw := s.rest(person, method, path, body); status != 200 {
		s.t.Fatalf("seed %d: %s %s: %d %s", s.seed, method, path, status, raw)
	}
}

func (s *sim) rest(person *core.Record, method, path string, body any) (int, []byte) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.srv.URL+path, rd)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", servertest.Token(s.t, person))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, raw
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
