package sync_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/samenspel/samenspel/server/servertest"
)

func do(t *testing.T, method, url, auth string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, rd)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: %d %s", method, url, res.StatusCode, raw)
	}
	return res.StatusCode, out
}

func TestSmoke(t *testing.T) {
	app := servertest.NewApp(t, nil)
	w := servertest.NewWorld(t, app)
	srv := servertest.Serve(t, app)
	st, reg := do(t, "POST", srv.URL+"/api/sync/v1/devices", servertest.Token(t, w.BegA), map[string]any{"device_id": "phone1", "platform": "android", "app_version": "1", "schema_version": 1})
	t.Logf("register %d %v", st, reg)
	tok := "Bearer " + reg["token"].(string)
	st, page := do(t, "GET", srv.URL+"/api/sync/v1/pull", tok, nil)
	b, _ := json.MarshalIndent(page, "", " ")
	t.Logf("pull %d %s", st, b)
	st, res := do(t, "POST", srv.URL+"/api/sync/v1/push", tok, map[string]any{"mutations": []any{
		map[string]any{"mutation_id": "m1", "collection": "goals", "id": w.GoalA.Id, "op": "update", "base_version": 0, "data": map[string]any{"title": "Nieuw"}, "base": map[string]any{"title": "Oud"}},
		map[string]any{"mutation_id": "m2", "collection": "goals", "id": "abcdefghij12345", "op": "create", "data": map[string]any{"title": "Nieuw doel", "client": w.ClientA.Id}},
		map[string]any{"mutation_id": "m3", "collection": "goals", "id": "abcdefghij12346", "op": "create", "data": map[string]any{"title": "Ander team", "client": w.ClientB.Id}},
	}})
	b, _ = json.MarshalIndent(res, "", " ")
	t.Logf("push %d %s", st, b)
	st, page = do(t, "GET", srv.URL+"/api/sync/v1/pull?cursor="+page["cursor"].(string), tok, nil)
	b, _ = json.MarshalIndent(page, "", " ")
	t.Logf("pull2 %d %s", st, b)
}
