package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/sync/client"
)

// step is one step of a scenario; sync/testdata/scenarios/README.md
// describes the language.
type step struct {
	As         string         `json:"as"`
	Person     string         `json:"person"`
	Do         string         `json:"do"`
	Collection string         `json:"collection"`
	ID         string         `json:"id"`
	Data       map[string]any `json:"data"`
	Ref        string         `json:"ref"`
	Method     string         `json:"method"`
	Path       string         `json:"path"`
	Body       any            `json:"body"`
	Device     string         `json:"device"`
	Error      string         `json:"error"`
	Expect     *expectation   `json:"expect"`
}

type expectation struct {
	Collection string         `json:"collection"`
	ID         string         `json:"id"`
	Fields     map[string]any `json:"fields"`
	Absent     bool           `json:"absent"`
	Pending    *int           `json:"pending"`
	Refused    *int           `json:"refused"`
	Conflicts  *int           `json:"conflicts"`
	Revoked    *bool          `json:"revoked"`
}

// TestScenarios runs every shared protocol scenario through the Go client,
// each on a fresh World served over real HTTP (the JavaScript client runs
// the same files in sync/js).
func TestScenarios(t *testing.T) {
	files, err := filepath.Glob("../testdata/scenarios/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) { runScenario(t, f) })
	}
}

var nameRef = regexp.MustCompile(`\$([A-Za-z0-9_]+)`)

func runScenario(t *testing.T, file string) {
	var sc struct {
		Name  string            `json:"name"`
		Steps []json.RawMessage `json:"steps"`
	}
	servertest.MustReadJSON(t, file, &sc)
	app, w := servertest.NewWorldApp(t)
	srv := servertest.Serve(t, app)
	people := map[string]*core.Record{"BegA": w.BegA, "BegB": w.BegB, "ClientA": w.ClientA, "Coord": w.Coord}
	names := map[string]string{
		"TeamA": w.TeamA.Id, "TeamB": w.TeamB.Id, "BegA": w.BegA.Id, "BegB": w.BegB.Id, "Coord": w.Coord.Id,
		"ClientA": w.ClientA.Id, "ClientA2": w.ClientA2.Id, "ClientB": w.ClientB.Id,
		"SafariA": w.SafariA.Id, "SafariB": w.SafariB.Id, "ObsA": w.ObsA.Id, "ObsB": w.ObsB.Id,
		"GoalA": w.GoalA.Id, "GoalA2": w.GoalA2.Id, "GoalB": w.GoalB.Id, "StepA": w.StepA.Id, "ContactA": w.ContactA.Id,
	}
	devices := map[string]*client.Client{}
	ctx := context.Background()
	t.Logf("scenario: %s", sc.Name)
	for i, raw := range sc.Steps {
		expanded := nameRef.ReplaceAllStringFunc(string(raw), func(m string) string {
			if id, ok := names[m[1:]]; ok {
				return id
			}
			return m
		})
		var s step
		if err := json.Unmarshal([]byte(expanded), &s); err != nil {
			t.Fatalf("step %d: %v", i+1, err)
		}
		where := fmt.Sprintf("step %d %s", i+1, raw)
		dev := devices[s.As]
		if s.Expect != nil {
			checkExpectation(t, where, dev, s.Expect)
			continue
		}
		switch s.Do {
		case "register":
			c := client.New(srv.URL, fmt.Sprintf("scenario-%s-%d", s.As, i))
			c.BaseBackoff = 0
			if err := c.Register(ctx, servertest.Token(t, people[s.Person])); err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			devices[s.As] = c
		case "sync":
			err := dev.Sync(ctx)
			if s.Error == "" && err != nil || s.Error != "" && !client.IsCode(err, s.Error) {
				t.Fatalf("%s: sync: %v, want error %q", where, err, s.Error)
			}
		case "create":
			names[s.Ref] = dev.Create(s.Collection, "", s.Data)
		case "update":
			dev.Update(s.Collection, s.ID, s.Data)
		case "delete":
			dev.Delete(s.Collection, s.ID)
		case "rest":
			mustRequest(t, where, srv.URL+s.Path, s.Method, servertest.Token(t, people[s.As]), s.Body)
		case "revoke":
			mustRequest(t, where, srv.URL+"/api/sync/v1/devices/"+devices[s.Device].DeviceID+"/revoke", "POST", servertest.Token(t, people[s.As]), nil)
		default:
			t.Fatalf("%s: unknown step", where)
		}
	}
}

func checkExpectation(t *testing.T, where string, c *client.Client, e *expectation) {
	t.Helper()
	if e.Pending != nil {
		if got, want := len(c.Pending()), *e.Pending; got != want {
			t.Fatalf("%s: pending=%d, want %d", where, got, want)
		}
	}
	if e.Refused != nil {
		if got, want := len(c.Rejected), *e.Refused; got != want {
			t.Fatalf("%s: refused=%d, want %d", where, got, want)
		}
	}
	if e.Conflicts != nil {
		if got, want := c.Conflicts, *e.Conflicts; got != want {
			t.Fatalf("%s: conflicts=%d, want %d", where, got, want)
		}
	}
	if e.Revoked != nil {
		if got, want := c.Wiped, *e.Revoked; got != want {
			t.Fatalf("%s: revoked=%v, want %v", where, got, want)
		}
	}
	if e.Collection == "" {
		return
	}
	rec := c.View().Get(e.Collection, e.ID)
	if e.Absent {
		if rec != nil {
			t.Fatalf("%s: got %v, want no record", where, rec)
		}
		return
	}
	if rec == nil {
		t.Fatalf("%s: no record", where)
	}
	for k, want := range e.Fields {
		if got := rec[k]; !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: %s=%#v, want %#v", where, k, got, want)
		}
	}
}

func mustRequest(t *testing.T, where, url, method, token string, body any) {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	defer res.Body.Close()
	if res.StatusCode/100 != 2 {
		var b bytes.Buffer
		_, _ = b.ReadFrom(res.Body)
		t.Fatalf("%s: %s %s: %d %s", where, method, url, res.StatusCode, b.String())
	}
}
