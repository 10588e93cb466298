package web_test

import (
	"testing"

	"github.com/oauth2-proxy/mockoidc"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/internal/servertest/apt"
	"github.com/samenspel/samenspel/schema"
)

// TestReviewPageOIDCLogin logs in to the review page in headless Chromium
// through the organisation's identity provider (e2e/oidc.mjs), a real
// OpenID Connect provider on loopback (mockoidc): someone without a
// staff account gets the reason and no account; a teamadviseur gives
// their e-mail address, types the code and reaches the review.
func TestReviewPageOIDCLogin(t *testing.T) {
	chromium := apt.Tool(t, "/usr/bin/chromium", "chromium")
	node := servertest.NodeModules(t, "e2e", "playwright-core")

	m, app, w, srv := servertest.OIDCWorld(t, "Inloggen met je werkaccount")
	before, err := app.CountRecords(schema.Users)
	if err != nil {
		t.Fatal(err)
	}
	m.QueueUser(&mockoidc.MockUser{Subject: "entra-onbekend", Email: "onbekend@example.nl", EmailVerified: true})
	m.QueueUser(&mockoidc.MockUser{Subject: "entra-adviseur", Email: w.AdvA.Email(), EmailVerified: true})

	var out struct{ Reached bool }
	mustRunScript(t, node, "oidc.mjs", map[string]any{
		"url": srv.URL, "chromium": chromium, "button": "Inloggen met je werkaccount", "email": w.AdvA.Email(),
	}, &out)
	if !out.Reached {
		t.Fatal("the script did not reach the review")
	}
	if n, err := app.CountRecords(schema.Users); err != nil || n != before {
		t.Errorf("staff accounts %d (%v) after the walk, want %d: a login made one", n, err, before)
	}
}
