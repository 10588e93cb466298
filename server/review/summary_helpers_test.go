package review_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/samenspel/samenspel/server/review"
)

// mustSave saves a record as the system (Go code: no person stamped),
// with created set when created is not zero, as if it had been synced then.
// People (auth records) are saved without a password and cannot log in.
func mustSave(tb testing.TB, app core.App, collection string, fields map[string]any, created time.Time) *core.Record {
	tb.Helper()
	c, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		tb.Fatalf("collection %s: %v", collection, err)
	}
	r := core.NewRecord(c)
	for k, v := range fields {
		r.Set(k, v)
	}
	if !created.IsZero() {
		dt, err := types.ParseDateTime(created)
		if err != nil {
			tb.Fatal(err)
		}
		r.SetRaw("created", dt)
	}
	save := app.Save
	if c.IsAuth() {
		save = app.SaveNoValidate // no password: these never log in, and hashing one takes long
	}
	if err := save(r); err != nil {
		tb.Fatalf("save %s %v: %v", collection, fields, err)
	}
	return r
}

// utc parses an RFC 3339 time, for fixtures.
func utc(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// mustPeriod parses a period the way the route does, failing the test on
// an error.
func mustPeriod(tb testing.TB, from, to string) review.Period {
	tb.Helper()
	p, err := review.ParsePeriod(from, to, time.Now())
	if err != nil {
		tb.Fatalf("period %s..%s: %v", from, to, err)
	}
	return p
}

// mustCompute is review.Compute, failing the test on an error.
func mustCompute(tb testing.TB, app core.App, team string, p review.Period, now time.Time) *review.Summary {
	tb.Helper()
	s, err := review.Compute(app, team, p, now)
	if err != nil {
		tb.Fatalf("compute %s: %v", team, err)
	}
	return s
}

// get asks a served app for a team's summary with a person's PocketBase
// token ("" for anonymous) and returns the status and body.
func get(tb testing.TB, srv *httptest.Server, token, team, query string) (int, []byte) {
	tb.Helper()
	url := srv.URL + "/api/review/v1/teams/" + team + "/summary"
	if query != "" {
		url += "?" + query
	}
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return res.StatusCode, body
}

// decode unmarshals a summary body into generic JSON, to check the wire
// form (numbers or "<5") rather than Go values.
func decode(tb testing.TB, body []byte) map[string]any {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		tb.Fatalf("summary is not a JSON object: %v: %s", err, body)
	}
	return m
}

// at walks a decoded JSON object along keys.
func at(tb testing.TB, m map[string]any, keys ...string) any {
	tb.Helper()
	var v any = m
	for _, k := range keys {
		obj, ok := v.(map[string]any)
		if !ok {
			tb.Fatalf("%v: not an object at %q", keys, k)
		}
		if v, ok = obj[k]; !ok {
			tb.Fatalf("%v: no key %q", keys, k)
		}
	}
	return v
}
