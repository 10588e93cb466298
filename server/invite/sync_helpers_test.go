package invite_test

import (
	"encoding/json"
	"net/http"

	"github.com/pocketbase/pocketbase/core"
)

// register registers a phone for person and returns the Authorization
// value of its device token.
func (e *env) register(person *core.Record, deviceID string) string {
	e.t.Helper()
	r := e.do("POST", "/api/sync/v1/devices", e.token(person),
		map[string]any{"device_id": deviceID, "platform": "android", "app_version": "1.0", "schema_version": 1})
	var out struct {
		Token string `json:"token"`
	}
	if r.status != http.StatusOK || json.Unmarshal(r.body, &out) != nil || out.Token == "" {
		e.t.Fatalf("register %s: %d %s", deviceID, r.status, r.body)
	}
	return "Bearer " + out.Token
}

// push sends mutations with a device token and returns the results.
func (e *env) push(device string, mutations ...map[string]any) []map[string]any {
	e.t.Helper()
	r := e.do("POST", "/api/sync/v1/push", device, map[string]any{"mutations": mutations})
	var out struct {
		Results []map[string]any `json:"results"`
	}
	if r.status != http.StatusOK || json.Unmarshal(r.body, &out) != nil || len(out.Results) != len(mutations) {
		e.t.Fatalf("push: %d %s", r.status, r.body)
	}
	return out.Results
}
