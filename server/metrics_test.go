package server_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/logger"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/server"
)

const testMetricsToken = "metrics-token-for-tests-0123"

// scrape fetches /metrics with the token ("" for none) and returns the
// status and body.
func scrape(t *testing.T, base, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+server.MetricsPath, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestMetrics: after a pull and a push, a scrape with the token shows
// their latency by endpoint, the pull's lag, the store's sizes and Go's
// runtime; without the token, or without any metrics setting, nothing.
func TestMetrics(t *testing.T) {
	t.Parallel()
	cfg := server.DefaultConfig()
	cfg.Ops.MetricsToken = testMetricsToken
	app := servertest.NewApp(t, cfg)
	w := servertest.NewWorld(t, app)
	srv := servertest.Serve(t, app)
	p := newPhone(t, srv.URL, w.BegA, "metrics-phone")

	var page struct {
		Cursor string `json:"cursor"`
	}
	p.mustJSON("GET", "/api/sync/v1/pull", nil, 200, &page)
	p.mustJSON("GET", "/api/sync/v1/pull?cursor="+page.Cursor, nil, 200, nil)
	p.mustJSON("POST", "/api/sync/v1/push", map[string]any{"mutations": []map[string]any{{
		"mutation_id": "m1", "collection": "goals", "id": "metricsgoal0001", "op": "create",
		"data": map[string]any{"client": w.ClientA.Id, "title": "Weer zelf boodschappen doen", "life_domain": "living", "status": "active"},
	}}}, 200, nil)
	p.mustJSON("GET", "/api/sync/v1/nothing-here", nil, 404, nil)

	if status, _ := scrape(t, srv.URL, ""); status != http.StatusUnauthorized {
		t.Fatalf("scrape without token: status %d, want 401", status)
	}
	if status, _ := scrape(t, srv.URL, "wrong-token-wrong-token"); status != http.StatusUnauthorized {
		t.Fatalf("scrape with a wrong token: status %d, want 401", status)
	}
	status, body := scrape(t, srv.URL, testMetricsToken)
	if status != http.StatusOK {
		t.Fatalf("scrape: status %d: %s", status, body)
	}
	for _, want := range []string{
		`samenspel_sync_request_duration_seconds_count{endpoint="pull",status="200"} 2`,
		`samenspel_sync_request_duration_seconds_count{endpoint="push",status="200"} 1`,
		`samenspel_sync_request_duration_seconds_count{endpoint="devices",status="200"} 1`,
		`samenspel_sync_request_duration_seconds_count{endpoint="unmatched",status="404"} 1`,
		`samenspel_sync_pull_lag_changes_count 1`, // the fresh pull has no lag to tell
		`samenspel_sync_pull_lag_changes_bucket{le="0"} 1`,
		`samenspel_sync_pull_page_changes_count 2`,
		`samenspel_sync_pull_records_total{source="rendered"} 2`, // the two clients' accounts of team A
		`samenspel_sync_pull_records_total{source="store"} `,
		`samenspel_feed_rows `,
		`samenspel_feed_head_seq `,
		`samenspel_photos_pending `,
		`samenspel_database_bytes{file="data.db"} `,
		`samenspel_store_scrape_errors 0`,
		`samenspel_http_in_flight_requests `,
		`go_goroutines `,
		`process_resident_memory_bytes `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
	if strings.Contains(body, `samenspel_sync_pull_records_total{source="store"} 0`+"\n") {
		t.Error("no record was pulled from the render store")
	}
	if strings.Contains(body, "samenspel_backup_lag_seconds") {
		t.Error("backup lag gauge present without a backup")
	}
	if t.Failed() {
		t.Logf("scrape:\n%s", body)
	}

	// Off by default.
	plain := servertest.Serve(t, servertest.NewApp(t, server.DefaultConfig()))
	if status, _ := scrape(t, plain.URL, testMetricsToken); status != http.StatusNotFound {
		t.Fatalf("metrics without a metrics setting: status %d, want 404", status)
	}
}

// syncRequest sends a request to the sync API with a request id ("" for
// none) and returns the status and the answer's X-Request-Id.
func syncRequest(t *testing.T, base, method, path, token, id, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
	req.Header.Set("Authorization", token)
	req.Header.Set("Content-Type", "application/json")
	if id != "" {
		req.Header.Set("X-Request-Id", id)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode, res.Header.Get("X-Request-Id")
}

// flushLogUntil flushes PocketBase's request log until done says what it
// waits for is in: PocketBase hands a request's line to its log from a
// goroutine of its own after the answer. It reports false after 10 s.
func flushLogUntil(t *testing.T, app core.App, done func() bool) bool {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if bh, ok := app.Logger().Handler().(*logger.BatchHandler); ok {
			if err := bh.WriteAll(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		if done() {
			return true
		}
	}
	return false
}

// TestRequestID: every sync answer carries X-Request-Id (the client's own
// when it is sane, a new one otherwise), and the log lines of the request,
// PocketBase's request log and our error log alike, name it.
func TestRequestID(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	app.Settings().Logs.MaxDays = 7
	srv := servertest.Serve(t, app)
	p := newPhone(t, srv.URL, w.BegA, "reqid-phone")

	get := func(sent string) (int, string) {
		t.Helper()
		return syncRequest(t, srv.URL, "GET", "/api/sync/v1/pull", p.token, sent, "")
	}
	if _, got := get("proxy-id.42"); got != "proxy-id.42" {
		t.Fatalf("X-Request-Id=%q, want the one sent", got)
	}
	if _, got := get(""); len(got) != 16 {
		t.Fatalf("X-Request-Id=%q, want a new 16-character id", got)
	}
	if _, got := get("bad id\twith \"quotes\""); got == "" || strings.ContainsAny(got, " \t\"") {
		t.Fatalf("X-Request-Id=%q, want a new id in place of an unsafe one", got)
	}

	// An internal error: its log line names the request.
	if _, err := app.DB().NewQuery("DROP TABLE sync_feed").Execute(); err != nil {
		t.Fatal(err)
	}
	status, id := get("failing-pull-1")
	if status != http.StatusInternalServerError || id != "failing-pull-1" {
		t.Fatalf("status %d, id %q; want 500 with the id sent", status, id)
	}
	type line struct {
		Message string `db:"message"`
		Data    string `db:"data"`
	}
	linesWith := func(id string) []line {
		t.Helper()
		var lines []line
		err := app.AuxDB().NewQuery("SELECT message, data FROM _logs WHERE data LIKE {:id}").
			Bind(dbx.Params{"id": "%" + id + "%"}).All(&lines)
		if err != nil {
			t.Fatal(err)
		}
		return lines
	}
	var lines []line
	flushLogUntil(t, app, func() bool { lines = linesWith("failing-pull-1"); return len(lines) >= 2 })
	var sawError, sawRequest bool
	for _, l := range lines {
		sawError = sawError || (l.Message == "request failed" && strings.Contains(l.Data, `"request_id":"failing-pull-1"`))
		sawRequest = sawRequest || strings.Contains(l.Data, `"meta":{"request_id":"failing-pull-1"}`)
	}
	if !sawError || !sawRequest {
		t.Fatalf("log lines with the id: %+v; want the error (%v) and the request log (%v)", lines, sawError, sawRequest)
	}
	// Successful pulls are left out of the request log (a phone pulls
	// every few seconds; /metrics counts them), and were handed to it
	// before the failing one was.
	if got := linesWith("proxy-id.42"); len(got) != 0 {
		t.Fatalf("a successful pull is in the request log: %+v", got)
	}
}

// TestRequestLogKeepsPushes: a push is in the request log with its
// request id, whatever its answer; so is a pull refused for its token.
func TestRequestLogKeepsPushes(t *testing.T) {
	t.Parallel()
	app, w := servertest.NewWorldApp(t)
	app.Settings().Logs.MaxDays = 7
	srv := servertest.Serve(t, app)
	p := newPhone(t, srv.URL, w.BegA, "reqlog-phone")
	send := func(method, path, id, token, body string) int {
		t.Helper()
		status, _ := syncRequest(t, srv.URL, method, path, token, id, body)
		return status
	}
	want := map[string]int{
		"push-ok":       send("POST", "/api/sync/v1/push", "push-ok", p.token, `{"mutations":[]}`),
		"push-bad":      send("POST", "/api/sync/v1/push", "push-bad", p.token, `{"mutations":`),
		"pull-no-token": send("GET", "/api/sync/v1/pull", "pull-no-token", "Bearer nonsense", ""),
	}
	if want["push-ok"] != 200 || want["push-bad"] != 400 || want["pull-no-token"] != 401 {
		t.Fatalf("statuses %v, want 200, 400 and 401", want)
	}
	got := map[string]int{}
	logged := flushLogUntil(t, app, func() bool {
		var rows []struct {
			ID     string `db:"id"`
			Status int    `db:"status"`
		}
		err := app.AuxDB().NewQuery("SELECT json_extract(data, '$.meta.request_id') AS id, json_extract(data, '$.status') AS status FROM _logs WHERE json_extract(data, '$.type') = 'request'").All(&rows)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			got[r.ID] = r.Status
		}
		for id, status := range want {
			if got[id] != status {
				return false
			}
		}
		return true
	})
	if !logged {
		t.Fatalf("request log lines by request id: %v, want %v", got, want)
	}
}
