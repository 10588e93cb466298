package servertest

import (
	"fmt"
	"net/http"
	gosync "sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/samenspel/samenspel/internal/servertest/login"
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
	return login.WithOTP(tb, baseURL, collection, identity, password, func(otpID string) string { return OTP(tb, otpID) })
}
