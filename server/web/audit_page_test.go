package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/internal/servertest/apt"
	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/server/audit"
)

// TestAuditPageInBrowser drives the access log's page (/audit/) in
// headless Chromium (e2e/audit.mjs) as a coordinator: a login with
// password and code finds who looked at a client's plan; a login through
// the organisation's identity provider (mockoidc) and the code reaches
// the search too. The page shares the review page's login code.
func TestAuditPageInBrowser(t *testing.T) {
	chromium := apt.Tool(t, "/usr/bin/chromium", "chromium")
	node := servertest.NodeModules(t, "e2e", "playwright-core")

	m, _, w, srv := servertest.OIDCWorld(t, "Inloggen met je werkaccount")

	// The begeleider reads the client's goals: an entry for the page to find.
	get(t, srv.URL+"/api/collections/goals/records?filter="+url.QueryEscape("client='"+w.ClientA.Id+"'"), servertest.Token(t, w.BegA), nil)
	coord := servertest.Token(t, w.Coord)
	deadline := time.Now().Add(10 * time.Second)
	for {
		var page struct{ Entries []json.RawMessage }
		get(t, srv.URL+audit.EntriesPath+"?client="+w.ClientA.Id+"&person="+w.BegA.Id, coord, &page)
		if len(page.Entries) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the begeleider's read is not in the access log")
		}
		time.Sleep(100 * time.Millisecond)
	}
	m.QueueUser(&mockoidc.MockUser{Subject: "entra-carla", Email: w.Coord.Email(), EmailVerified: true})

	var out struct{ Rows int }
	mustRunScript(t, node, "audit.mjs", map[string]any{
		"url": srv.URL, "chromium": chromium, "email": w.Coord.Email(), "password": servertest.Password,
		"client": w.ClientA.Id, "looker": w.BegA.GetString(schema.FieldName), "button": "Inloggen met je werkaccount",
	}, &out)
	if out.Rows == 0 {
		t.Fatal("the page showed no entries for the client")
	}
}

func get(t *testing.T, u, token string, out any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Authorization", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", u, res.StatusCode)
	}
	if out != nil {
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
}
