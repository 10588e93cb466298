package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/internal/servertest/apt"
	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/server/demo"
	"github.com/samenspel/samenspel/server/web"
)

// TestReviewPageInBrowser serves a demo organisation with two stored
// photos and drives the review page in headless Chromium (e2e/review.mjs)
// as the teamadviseur who advises every team, at laptop and at phone
// width. The script checks the figures against the review API's own
// answer, the photos, that no client name or id reaches the browser, and
// leaves a note through the form; here we check the notes in the database.
func TestReviewPageInBrowser(t *testing.T) {
	chromium := apt.Tool(t, "/usr/bin/chromium", "chromium")
	node := servertest.NodeModules(t, "e2e", "playwright-core")

	app := servertest.NewApp(t, nil)
	sum, err := demo.Fill(app, io.Discard, 11)
	if err != nil {
		t.Fatalf("demo: %v", err)
	}
	adviser := mustAdviserOfAll(t, app, sum)
	team := mustRecord(t, app, schema.Teams, "id = {:id}", dbx.Params{"id": adviser.GetStringSlice(schema.FieldAdvises)[0]})
	obs := mustObservations(t, app, team.Id)
	srv := servertest.Serve(t, app)
	mustUploadPhotos(t, app, srv.URL, team.Id, obs[0].Id, obs[1].Id)

	var clientNames, clientIDs []string
	clients, err := app.FindAllRecords(schema.Clients)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range clients {
		clientNames = append(clientNames, c.GetString(schema.FieldName))
		clientIDs = append(clientIDs, c.Id)
	}

	artifacts := filepath.Join(repoRoot(t), "test-artifacts")
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	in := map[string]any{
		"url": srv.URL, "chromium": chromium,
		"email": adviser.Email(), "password": demo.Password,
		"team": team.Id, "safari": obs[0].GetString(schema.FieldSafari), "observation": obs[1].Id, "photos": 2,
		"clientNames": clientNames, "clientIDs": clientIDs,
		"screenshots": map[string]string{
			"laptop": filepath.Join(artifacts, "review-laptop.png"),
			"phone":  filepath.Join(artifacts, "review-phone.png"),
		},
	}
	var out struct {
		Runs []struct {
			Viewport string            `json:"viewport"`
			Figures  map[string]string `json:"figures"`
			Summary  struct {
				Team struct{ ID string } `json:"team"`
			} `json:"summary"`
			Feedback struct {
				Kind, Text, Safari, Observation string
			} `json:"feedback"`
		} `json:"runs"`
	}
	mustRunScript(t, node, "review.mjs", in, &out)

	if got, want := len(out.Runs), 2; got != want {
		t.Fatalf("runs=%d, want %d (laptop and phone)", got, want)
	}
	for _, run := range out.Runs {
		t.Logf("%s: steps %s, zorgen dát %s, observations %s", run.Viewport,
			run.Figures["steps.total"], run.Figures["steps.zorgen_dat_share"], run.Figures["observations.total"])
		if got, want := run.Summary.Team.ID, team.Id; got != want {
			t.Errorf("%s: summary of team %s, want %s", run.Viewport, got, want)
		}
		fb := run.Feedback
		r, err := app.FindFirstRecordByData(schema.Feedback, "text", fb.Text)
		if err != nil {
			t.Errorf("%s: feedback %q not in the database: %v", run.Viewport, fb.Text, err)
			continue
		}
		for _, c := range []struct{ field, got, want string }{
			{"team", r.GetString(schema.FieldTeam), team.Id},
			{"author", r.GetString(schema.FieldAuthor), adviser.Id},
			{"kind", r.GetString("kind"), fb.Kind},
			{"safari", r.GetString(schema.FieldSafari), fb.Safari},
			{"observation", r.GetString(schema.FieldObservation), fb.Observation},
		} {
			if c.got != c.want {
				t.Errorf("%s: feedback %s=%q, want %q", run.Viewport, c.field, c.got, c.want)
			}
		}
		if r.GetInt(schema.FieldVersion) < 1 {
			t.Errorf("%s: feedback has version %d: it did not go through the synced path", run.Viewport, r.GetInt(schema.FieldVersion))
		}
	}
	for _, name := range []string{"review-laptop.png", "review-phone.png"} {
		if fi, err := os.Stat(filepath.Join(artifacts, name)); err != nil || fi.Size() == 0 {
			t.Errorf("screenshot %s missing: %v", name, err)
		}
	}
}

// TestReviewPageHeaders checks what the server sends with the page itself.
func TestReviewPageHeaders(t *testing.T) {
	t.Parallel()
	app := servertest.NewApp(t, nil)
	srv := servertest.Serve(t, app)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	for _, c := range []struct {
		path, wantType string
		wantStatus     int
	}{
		{"/review/", "text/html", 200},
		{"/review/review.js", "text/javascript", 200},
		{"/review/review.css", "text/css", 200},
		{"/review/nothing-here.js", "", 404},
	} {
		res, err := noRedirect.Get(srv.URL + c.path)
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
		if got := res.Header.Get("Content-Security-Policy"); got != web.CSP {
			t.Errorf("GET %s: CSP %q, want %q", c.path, got, web.CSP)
		}
		if c.wantType == "text/html" && (bytes.Contains(body, []byte("<script>")) || bytes.Contains(body, []byte(" style="))) {
			t.Errorf("GET %s: inline script or style attribute, which the CSP refuses", c.path)
		}
	}
	res, err := noRedirect.Get(srv.URL + "/review")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != web.Path {
		t.Errorf("GET /review: %d to %q, want 301 to %s", res.StatusCode, res.Header.Get("Location"), web.Path)
	}
}

// mustAdviserOfAll returns the demo teamadviseur who advises every team.
func mustAdviserOfAll(tb testing.TB, app core.App, sum *demo.Summary) *core.Record {
	tb.Helper()
	for _, l := range sum.Logins {
		if l.Role == schema.RoleTeamadviseur && len(l.Teams) == sum.Teams {
			r, err := app.FindAuthRecordByEmail(schema.Users, l.Login)
			if err != nil {
				tb.Fatalf("adviser %s: %v", l.Login, err)
			}
			return r
		}
	}
	tb.Fatalf("demo has no teamadviseur of all %d teams: %+v", sum.Teams, sum.Logins)
	return nil
}

func mustRecord(tb testing.TB, app core.App, collection, filter string, params dbx.Params) *core.Record {
	tb.Helper()
	r, err := app.FindFirstRecordByFilter(collection, filter, params)
	if err != nil {
		tb.Fatalf("%s where %s %v: %v", collection, filter, params, err)
	}
	return r
}

// mustObservations returns two observations of one walk of the team.
func mustObservations(tb testing.TB, app core.App, team string) []*core.Record {
	tb.Helper()
	rs, err := app.FindRecordsByFilter(schema.Observations, "safari.team = {:team}", "safari,created", 0, 0, dbx.Params{"team": team})
	if err != nil {
		tb.Fatal(err)
	}
	for i := 1; i < len(rs); i++ {
		if rs[i].GetString(schema.FieldSafari) == rs[i-1].GetString(schema.FieldSafari) {
			return rs[i-1 : i+1]
		}
	}
	tb.Fatalf("team %s has no walk with two observations", team)
	return nil
}

// mustUploadPhotos stores one photo on each observation the way a
// begeleider's phone does: register, announce, PUT, complete.
func mustUploadPhotos(tb testing.TB, app core.App, base, team string, observations ...string) {
	tb.Helper()
	beg := mustRecord(tb, app, schema.Users, "role = 'begeleider' && teams ~ {:team}", dbx.Params{"team": team})
	var reg struct{ Token string }
	mustJSON(tb, base, servertest.Token(tb, beg), "POST", "/api/sync/v1/devices",
		map[string]any{"device_id": "review-e2e-phone", "platform": "test", "app_version": "1", "schema_version": 1}, &reg)
	device := "Bearer " + reg.Token
	for i, obs := range observations {
		photo := mustJPEG(tb, i)
		sum := sha256.Sum256(photo)
		id := fmt.Sprintf("reviewphoto%04d", i)
		var ticket struct {
			Status string
			Upload *struct {
				Method, URL string
				Headers     map[string]string
			}
		}
		mustJSON(tb, base, device, "POST", "/api/sync/v1/media", map[string]any{
			"id": id, "observation": obs, "sha256": hex.EncodeToString(sum[:]), "size": len(photo), "content_type": "image/jpeg",
		}, &ticket)
		if ticket.Upload == nil {
			tb.Fatalf("announce %s: no upload: %+v", id, ticket)
		}
		req, _ := http.NewRequest(ticket.Upload.Method, ticket.Upload.URL, bytes.NewReader(photo))
		for k, v := range ticket.Upload.Headers {
			if k != "Content-Length" {
				req.Header.Set(k, v)
			}
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			tb.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			tb.Fatalf("upload %s: status %d", id, res.StatusCode)
		}
		mustJSON(tb, base, device, "POST", "/api/sync/v1/media/"+id+"/complete", nil, &ticket)
		if ticket.Status != "stored" {
			tb.Fatalf("complete %s: %+v", id, ticket)
		}
	}
}

// mustJPEG draws a small picture of a bench under a tree, coloured by n.
func mustJPEG(tb testing.TB, n int) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	sky := color.RGBA{150, 200, 235, 255}
	grass := color.RGBA{90, 160 - uint8(30*n), 70, 255}
	for y := range 240 {
		for x := range 320 {
			c := sky
			switch {
			case y > 160:
				c = grass
			case (x-230)*(x-230)+(y-80)*(y-80) < 45*45:
				c = color.RGBA{40, 120, 50 + uint8(40*n), 255}
			case x > 222 && x < 238 && y > 100:
				c = color.RGBA{110, 70, 40, 255}
			case x > 60 && x < 160 && y > 140 && y < 150:
				c = color.RGBA{140, 90, 50, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func mustJSON(tb testing.TB, base, auth, method, path string, body, out any) {
	tb.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, base+path, rd)
	req.Header.Set("Authorization", auth)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		tb.Fatalf("%s %s: status %d: %s", method, path, res.StatusCode, raw)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		tb.Fatalf("%s %s: %v: %s", method, path, err, raw)
	}
}

// mustRunScript runs e2e/<script> with in as its stdin and decodes what
// it printed into out.
func mustRunScript(tb testing.TB, node, script string, in, out any) {
	tb.Helper()
	b, _ := json.Marshal(in)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, script)
	cmd.Dir = "e2e"
	cmd.Stdin = bytes.NewReader(b)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		tb.Fatalf("node e2e/%s: %v\n%s", script, err, stderr.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		tb.Fatalf("%s output: %v\n%s", script, err, stdout.String())
	}
}

// repoRoot is the directory of go.mod above the test's directory.
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
