package fieldapp_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/internal/servertest/apt"
	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/server/demo"
	"github.com/samenspel/samenspel/server/fieldapp"
)

// TestFieldAppOfflineWalk drives the app in headless Chromium
// (e2e/app.mjs): a demo begeleider logs in, the network goes, they plan
// and walk a wijksafari with 5 observations and 2 photos (one carrying GPS
// EXIF and Orientation 6), reload the page offline (the status bar is
// right from its first paint), finish the walk, and come back online. The
// tab is closed in the middle of the push (the server applied it, the
// answer never arrived), reopened and closed again while the first photo's
// bytes are on their way, and opened a third time; then, offline again,
// they change a cliënt's step (its status) and network contact (its
// circle), answer the teamadviseur's newest note and sync. Then the server
// holds each record once, the photos are stored without GPS and upright,
// the answer is the team's, to one of its notes, and the step and the
// contact have the changed field and every other as it was.
func TestFieldAppOfflineWalk(t *testing.T) {
	chromium := apt.Tool(t, "/usr/bin/chromium", "chromium")
	node := servertest.NodeModules(t, "e2e", "playwright-core")

	app := servertest.NewApp(t, nil)
	sum, err := demo.Fill(app, io.Discard, 7)
	if err != nil {
		t.Fatalf("demo: %v", err)
	}
	beg, team := mustBegeleider(t, app, sum)
	client, step, contact := mustStepAndContact(t, app, team.Id)
	edit := map[string]any{"step": step.Id, "status": "done", "contact": contact.Id, "circle": contact.GetInt("circle")%3 + 1}
	if step.GetString("status") == "done" {
		edit["status"] = "doing"
	}
	srv := servertest.Serve(t, app)

	artifacts := filepath.Join(repoRoot(t), "test-artifacts")
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	type obs struct {
		Title, Kind, Threshold, Note, Photo string
		Here                                bool
	}
	walk := []obs{
		{"Koffieochtend in de bieb", "meeting_place", "low", "Elke woensdag, gratis.", "bieb.jpg", true},
		{"Trap bij het buurthuis", "barrier", "high", "Geen lift.", "", false},
		{"Moestuin zoekt handen", "opportunity", "low", "Vraag naar Henk.", "tuin.jpg", false},
		{"Gastvrouw van de huiskamer", "key_person", "low", "Kent iedereen.", "", false},
		{"Bankje aan het water", "place", "medium", "Rustig.", "", false},
	}
	title := "Rondje " + team.GetString("area") + " offline"
	answer := "Goede vraag. We nemen het mee naar het teamoverleg."
	if notes, err := app.FindAllRecords(schema.Feedback, dbx.HashExp{"team": team.Id, schema.FieldAnswerTo: ""}); err != nil || len(notes) == 0 {
		t.Fatalf("the demo team has %d feedback notes to answer (%v)", len(notes), err)
	}
	in := map[string]any{
		"url": srv.URL, "chromium": chromium, "email": beg.Email(), "password": demo.Password,
		"team": team.Id, "client": client.Id, "artifacts": artifacts, "docShots": docShots(t),
		"safari": map[string]any{"title": title, "observations": jsonObs(walk, func(o obs) map[string]any {
			return map[string]any{"title": o.Title, "kind": o.Kind, "threshold": o.Threshold, "note": o.Note, "photo": o.Photo, "here": o.Here}
		}), "reflection": "Binnenlopen bleek de grootste drempel."},
		"answer": answer, "edit": edit,
		"photos": map[string]string{
			"bieb.jpg": base64.StdEncoding.EncodeToString(gpsJPEG(t)),
			"tuin.jpg": base64.StdEncoding.EncodeToString(plainJPEG(t)),
		},
	}
	var out struct {
		Screens     []string            `json:"screens"`
		Axe         map[string][]string `json:"axe"`
		Interrupted struct{ Push, Photo int }
	}
	runScript(t, node, "app.mjs", in, &out)
	t.Logf("screens checked: %v", out.Screens)
	t.Logf("interrupted: a push of which the server applied %d mutations, %d photo upload", out.Interrupted.Push, out.Interrupted.Photo)
	if out.Interrupted.Push == 0 || out.Interrupted.Photo == 0 {
		t.Errorf("the tab was not closed in the middle of the push and of a photo upload: %+v", out.Interrupted)
	}
	for screen, v := range out.Axe {
		t.Errorf("axe-core, serious or critical on %s: %v", screen, v)
	}

	safaris, err := app.FindAllRecords(schema.Safaris, dbx.HashExp{"title": title})
	if err != nil || len(safaris) != 1 {
		t.Fatalf("safaris titled %q: %d (%v), want exactly 1", title, len(safaris), err)
	}
	s := safaris[0]
	if s.GetString("status") != "done" || s.GetString("reflection") == "" || len(s.GetStringSlice("clients")) != 1 {
		t.Errorf("safari: status %q, reflection %q, clients %v", s.GetString("status"), s.GetString("reflection"), s.GetStringSlice("clients"))
	}
	if got := len(s.GetStringSlice("begeleiders")); got != 1 {
		t.Errorf("safari begeleiders=%d, want 1", got)
	}
	found, err := app.FindAllRecords(schema.Observations, dbx.HashExp{"safari": s.Id})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(found), len(walk); got != want {
		t.Fatalf("observations=%d, want %d", got, want)
	}
	byTitle := map[string]*core.Record{}
	for _, o := range found {
		if byTitle[o.GetString("title")] != nil {
			t.Errorf("observation %q stored twice", o.GetString("title"))
		}
		byTitle[o.GetString("title")] = o
		if o.GetString(schema.FieldAuthorUser) != beg.Id {
			t.Errorf("observation %q author_user %q, want %s", o.GetString("title"), o.GetString(schema.FieldAuthorUser), beg.Id)
		}
	}
	for _, w := range walk {
		o := byTitle[w.Title]
		if o == nil {
			t.Fatalf("observation %q missing", w.Title)
		}
		if o.GetString("kind") != w.Kind || o.GetString("threshold") != w.Threshold {
			t.Errorf("%q: kind %q threshold %q", w.Title, o.GetString("kind"), o.GetString("threshold"))
		}
		if hasPlace := o.GetString("location") != "" && o.GetString("location") != `{"lon":0,"lat":0}`; hasPlace != w.Here {
			t.Errorf("%q: location %s, tapped hier: %v", w.Title, o.GetString("location"), w.Here)
		}
	}
	mustAnswer(t, app, team, beg, answer)
	mustChanged(t, app, step, map[string]any{"status": edit["status"]})
	mustChanged(t, app, contact, map[string]any{"circle": edit["circle"]})
	phone := newDevice(t, srv.URL, beg)
	for _, w := range walk {
		media, err := app.FindAllRecords(schema.Media, dbx.HashExp{"observation": byTitle[w.Title].Id})
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		if w.Photo != "" {
			want = 1
		}
		if len(media) != want {
			t.Fatalf("%q: %d photos, want %d", w.Title, len(media), want)
		}
		for _, m := range media {
			if m.GetString("status") != "stored" {
				t.Errorf("%q: photo status %q", w.Title, m.GetString("status"))
			}
			b := phone.content(t, m.Id)
			assertClean(t, b)
			if w.Photo == "bieb.jpg" {
				assertUpright(t, b)
			}
		}
	}
	for _, name := range out.Screens {
		if fi, err := os.Stat(filepath.Join(artifacts, "app-"+name+".png")); err != nil || fi.Size() == 0 {
			t.Errorf("screenshot app-%s.png missing: %v", name, err)
		}
	}
}

// TestFieldAppHeaders checks what the server sends: a strict CSP, the
// library under sync/ (its scripts only) and a worker that precaches all.
func TestFieldAppHeaders(t *testing.T) {
	t.Parallel()
	app := servertest.NewApp(t, nil)
	srv := servertest.Serve(t, app)
	for _, c := range []struct {
		path, wantType string
		wantStatus     int
	}{
		{"/app/", "text/html", 200},
		{"/app/app.js", "text/javascript", 200},
		{"/app/sw.js", "text/javascript", 200},
		{"/app/vendor/dexie.js", "text/javascript", 200},
		{"/app/sync/index.js", "text/javascript", 200},
		{"/app/sync/embed.go", "", 404},
		{"/app/sync/client.test.mjs", "", 404},
	} {
		res, err := http.Get(srv.URL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != c.wantStatus {
			t.Errorf("GET %s: status %d, want %d", c.path, res.StatusCode, c.wantStatus)
			continue
		}
		if c.wantStatus != 200 {
			continue
		}
		if got := res.Header.Get("Content-Type"); !strings.HasPrefix(got, c.wantType) {
			t.Errorf("GET %s: Content-Type %q, want %s", c.path, got, c.wantType)
		}
		if got := res.Header.Get("Content-Security-Policy"); got != fieldapp.CSP {
			t.Errorf("GET %s: CSP %q, want %q", c.path, got, fieldapp.CSP)
		}
		if c.wantType == "text/html" && (bytes.Contains(body, []byte("<script>")) || bytes.Contains(body, []byte(" style="))) {
			t.Errorf("GET %s: inline script or style attribute, which the CSP refuses", c.path)
		}
		if c.path == "/app/sw.js" {
			for _, want := range []string{`"url":"index.html"`, `"url":"vendor/dexie.js"`, `"url":"sync/index.js"`, `"url":"labels-nl.js"`} {
				if !bytes.Contains(body, []byte(want)) {
					t.Errorf("sw.js precaches no %s", want)
				}
			}
		}
	}
}

func jsonObs[T any](xs []T, f func(T) map[string]any) []map[string]any {
	out := make([]map[string]any, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// mustAnswer checks that the server holds the begeleider's answer once:
// in the team, by them, to a top-level note of the team.
func mustAnswer(tb testing.TB, app core.App, team, beg *core.Record, text string) {
	tb.Helper()
	answers, err := app.FindAllRecords(schema.Feedback, dbx.HashExp{"text": text})
	if err != nil || len(answers) != 1 {
		tb.Fatalf("answers %q: %d (%v), want exactly 1", text, len(answers), err)
	}
	a := answers[0]
	if a.GetString(schema.FieldTeam) != team.Id || a.GetString(schema.FieldAuthor) != beg.Id {
		tb.Errorf("answer: team %s, author %s; want %s, %s", a.GetString(schema.FieldTeam), a.GetString(schema.FieldAuthor), team.Id, beg.Id)
	}
	note, err := app.FindRecordById(schema.Feedback, a.GetString(schema.FieldAnswerTo))
	if err != nil || note.GetString(schema.FieldTeam) != team.Id || note.GetString(schema.FieldAnswerTo) != "" {
		tb.Errorf("answer_to %q: %v, want a top-level note of the team", a.GetString(schema.FieldAnswerTo), err)
	}
}

// mustStepAndContact is a cliënt of the team with a goal step and someone
// in a circle of their network, for the begeleider to change.
func mustStepAndContact(tb testing.TB, app core.App, team string) (client, step, contact *core.Record) {
	tb.Helper()
	var ids struct {
		Client  string `db:"client"`
		Step    string `db:"step"`
		Contact string `db:"contact"`
	}
	err := app.DB().NewQuery(`SELECT c.id AS client, s.id AS step, n.id AS contact FROM clients c
		JOIN goals g ON g.client = c.id JOIN goal_steps s ON s.goal = g.id
		JOIN network_contacts n ON n.client = c.id AND NOT n.formal AND n.circle BETWEEN 1 AND 3
		WHERE c.team = {:team} ORDER BY c.id, s.id, n.id LIMIT 1`).Bind(dbx.Params{"team": team}).One(&ids)
	if err != nil {
		tb.Fatalf("team %s has no cliënt with a step and a contact in a circle: %v", team, err)
	}
	client = mustRecord(tb, app, schema.Clients, "id = {:id}", dbx.Params{"id": ids.Client})
	step = mustRecord(tb, app, schema.GoalSteps, "id = {:id}", dbx.Params{"id": ids.Step})
	contact = mustRecord(tb, app, schema.NetworkContacts, "id = {:id}", dbx.Params{"id": ids.Contact})
	return client, step, contact
}

// mustChanged checks that the server holds the record with these fields
// changed and every other field of the form as it was.
func mustChanged(tb testing.TB, app core.App, was *core.Record, want map[string]any) {
	tb.Helper()
	now, err := app.FindRecordById(was.Collection().Name, was.Id)
	if err != nil {
		tb.Fatal(err)
	}
	for _, f := range []string{"description", "carried_by", "contact", "observation", "due", "reflection", "status",
		"name", "relation", "formal", "circle", "support", "involve_consent", "phone", "email", "note"} {
		got, before := fmt.Sprint(now.Get(f)), fmt.Sprint(was.Get(f))
		if w, ok := want[f]; ok {
			if got != fmt.Sprint(w) {
				tb.Errorf("%s %s: %s=%s, want %v", was.Collection().Name, was.Id, f, got, w)
			}
		} else if got != before {
			tb.Errorf("%s %s: %s=%s, was %s and the begeleider did not change it", was.Collection().Name, was.Id, f, got, before)
		}
	}
}

// mustBegeleider is a demo begeleider and their first team.
func mustBegeleider(tb testing.TB, app core.App, sum *demo.Summary) (*core.Record, *core.Record) {
	tb.Helper()
	for _, l := range sum.Logins {
		if l.Role == schema.RoleBegeleider {
			r, err := app.FindAuthRecordByEmail(schema.Users, l.Login)
			if err != nil {
				tb.Fatal(err)
			}
			team := mustRecord(tb, app, schema.Teams, "id = {:id}", dbx.Params{"id": r.GetStringSlice("teams")[0]})
			return r, team
		}
	}
	tb.Fatal("demo has no begeleider")
	return nil, nil
}

func mustRecord(tb testing.TB, app core.App, collection, filter string, params dbx.Params) *core.Record {
	tb.Helper()
	r, err := app.FindFirstRecordByFilter(collection, filter, params)
	if err != nil {
		tb.Fatalf("%s where %s %v: %v", collection, filter, params, err)
	}
	return r
}

// docShots is where the browser tests also write each screen for
// docs/screenshots (360 px, JPEG): SAMENSPEL_SCREENSHOTS, or "" (none).
func docShots(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("SAMENSPEL_SCREENSHOTS")
	if dir == "" {
		return ""
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	return dir
}

func repoRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			tb.Fatalf("no go.mod above %s", dir)
		}
	}
}
