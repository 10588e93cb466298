package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/servertest"
)

// TestLoginRateLimit: the server turns on PocketBase's rate limits, so
// guessing a client's password stops after 10 tries a minute (429).
func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	app, _ := servertest.NewWorldApp(t)
	srv := servertest.Serve(t, app)
	login := func() int {
		t.Helper()
		res, err := http.Post(srv.URL+"/api/collections/clients/auth-with-password", "application/json",
			strings.NewReader(`{"identity":"jan","password":"geraden"}`))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for i := 1; i <= 10; i++ {
		if got, want := login(), http.StatusBadRequest; got != want {
			t.Fatalf("wrong password %d: status %d, want %d", i, got, want)
		}
	}
	if got, want := login(), http.StatusTooManyRequests; got != want {
		t.Fatalf("wrong password 11: status %d, want %d", got, want)
	}
}

// TestRateLimitsOfOperatorKept: rate limits an operator changed are left
// as they are.
func TestRateLimitsOfOperatorKept(t *testing.T) {
	t.Parallel()
	app := servertest.NewApp(t, nil)
	s := app.Settings()
	s.RateLimits.Rules = []core.RateLimitRule{{Label: "/api/", MaxRequests: 1000, Duration: 1}}
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
	servertest.Serve(t, app)
	rl := app.Settings().RateLimits
	if rl.Enabled || len(rl.Rules) != 1 || rl.Rules[0].MaxRequests != 1000 {
		t.Fatalf("rate limits %+v, want the operator's (off, one rule)", rl)
	}
}
