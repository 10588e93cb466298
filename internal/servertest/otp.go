package servertest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// Staff log in with a password and a one-time code by e-mail
// (docs/staff-login.md). Tests log in the same way: every test app keeps
// the codes it mails in a mailbox, which Go tests read with OTP and
// scripts (the SDK, the browsers) over HTTP at OTPPath on the test server
// (Serve). Tests that need no HTTP login mint tokens with Token.

// OTPPath is the test server's route for the code of a one-time password:
// GET OTPPath?otpId=<id> answers the code as plain text once it was
// mailed (waiting up to 10 s), or 404.
const OTPPath = "/_test/otp"

var mailbox = struct {
	mu    gosync.Mutex
	codes map[string]string // otpId -> code
	added chan struct{}     // closed and replaced on every new code
}{codes: map[string]string{}, added: make(chan struct{})}

// keepOTPs binds the mailbox to app: every OTP mail's code is kept under
// its otpId before the mail goes wherever the server sends it.
func keepOTPs(app core.App) {
	app.OnMailerRecordOTPSend().Bind(&hook.Handler[*core.MailerRecordEvent]{
		Id:       "servertestMailbox",
		Priority: -1000,
		Func: func(e *core.MailerRecordEvent) error {
			id, _ := e.Meta["otpId"].(string)
			code, _ := e.Meta["password"].(string)
			mailbox.mu.Lock()
			mailbox.codes[id] = code
			close(mailbox.added)
			mailbox.added = make(chan struct{})
			mailbox.mu.Unlock()
			return e.Next()
		},
	})
}

// findOTP waits up to wait for the code of otpID: PocketBase mails codes
// in the background.
func findOTP(otpID string, wait time.Duration) (string, bool) {
	deadline := time.After(wait)
	for {
		mailbox.mu.Lock()
		code, ok := mailbox.codes[otpID]
		added := mailbox.added
		mailbox.mu.Unlock()
		if ok {
			return code, true
		}
		select {
		case <-added:
		case <-deadline:
			return "", false
		}
	}
}

// OTP returns the code mailed for otpID, or fails the test.
func OTP(tb testing.TB, otpID string) string {
	tb.Helper()
	code, ok := findOTP(otpID, 10*time.Second)
	if !ok {
		tb.Fatalf("no login code was mailed for OTP %s", otpID)
	}
	return code
}

func serveOTP(w http.ResponseWriter, r *http.Request) {
	code, ok := findOTP(r.URL.Query().Get("otpId"), 10*time.Second)
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	fmt.Fprint(w, code)
}

// LogIn logs a person in over HTTP as an app does and returns the token:
// the password, then for staff PocketBase's MFA answer (401 with an
// mfaId), a code by e-mail (read from the mailbox) and auth-with-otp.
// collection is "users" or "clients".
func LogIn(tb testing.TB, baseURL, collection, identity, password string) string {
	tb.Helper()
	status, body := postJSON(tb, baseURL+"/api/collections/"+collection+"/auth-with-password", map[string]any{"identity": identity, "password": password})
	if status == http.StatusOK {
		return body["token"].(string)
	}
	mfaID, _ := body["mfaId"].(string)
	if status != http.StatusUnauthorized || mfaID == "" {
		tb.Fatalf("log in %s: status %d %v, want 200 or 401 with an mfaId", identity, status, body)
	}
	status, body = postJSON(tb, baseURL+"/api/collections/"+collection+"/request-otp", map[string]any{"email": identity})
	otpID, _ := body["otpId"].(string)
	if status != http.StatusOK || otpID == "" {
		tb.Fatalf("request a login code for %s: status %d %v", identity, status, body)
	}
	code := OTP(tb, otpID)
	status, body = postJSON(tb, baseURL+"/api/collections/"+collection+"/auth-with-otp", map[string]any{"otpId": otpID, "password": code, "mfaId": mfaID})
	if status != http.StatusOK {
		tb.Fatalf("log in %s with the code: status %d %v", identity, status, body)
	}
	return body["token"].(string)
}

func postJSON(tb testing.TB, url string, v any) (int, map[string]any) {
	tb.Helper()
	b, _ := json.Marshal(v)
	res, err := http.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		tb.Fatalf("POST %s: %v", url, err)
	}
	defer res.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil && !strings.Contains(err.Error(), "EOF") {
		tb.Fatalf("POST %s: decode answer: %v", url, err)
	}
	return res.StatusCode, body
}
