// Package login logs people in to a Samenspel server over HTTP as the
// apps do, password and then the e-mailed code, for tests of a server in
// the test process (servertest.LogIn) and of the server binary (FromLog,
// which reads the code from the binary's log). It imports nothing of the
// server, so the server package's own tests can use it.
package login

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	gosync "sync"
	"testing"
	"time"
)

// FromLog is WithOTP against a server binary without SMTP, which
// writes each code mail to its log (docs/staff-login.md): out returns
// the log so far, and the code is read from the mail that arrives there
// after the code was asked for.
func FromLog(tb testing.TB, baseURL, collection, identity, password string, out func() string) string {
	tb.Helper()
	mark := "!!! to " + identity + ":"
	var before int // mails to identity in the log before the code was asked for
	return WithOTP(tb, baseURL, collection, identity, password, func(string) string {
		deadline := time.Now().Add(10 * time.Second)
		for {
			log := out()
			if i := strings.LastIndex(log, mark); i >= 0 && strings.Count(log, mark) > before {
				if _, rest, ok := strings.Cut(log[i:], "!!! login code: "); ok {
					code, _, _ := strings.Cut(rest, "\n")
					return strings.TrimSpace(code)
				}
			}
			if time.Now().After(deadline) {
				tb.Fatalf("no login code for %s in the server's log:\n%s", identity, log)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}, func() { before = strings.Count(out(), mark) })
}

// WithOTP logs a person in over HTTP as an app does and returns the
// token: the password, then for staff PocketBase's MFA answer (401 with an
// mfaId), a code by e-mail that code returns for the otpId, and
// auth-with-otp. beforeOTP runs just before the code is asked for.
func WithOTP(tb testing.TB, baseURL, collection, identity, password string, code func(otpID string) string, beforeOTP ...func()) string {
	tb.Helper()
	status, body := postJSON(tb, baseURL+"/api/collections/"+collection+"/auth-with-password", map[string]any{"identity": identity, "password": password})
	if status == http.StatusOK {
		return body["token"].(string)
	}
	mfaID, _ := body["mfaId"].(string)
	if status != http.StatusUnauthorized || mfaID == "" {
		tb.Fatalf("log in %s: status %d %v, want 200 or 401 with an mfaId", identity, status, body)
	}
	for _, f := range beforeOTP {
		f()
	}
	status, body = postJSON(tb, baseURL+"/api/collections/"+collection+"/request-otp", map[string]any{"email": identity})
	otpID, _ := body["otpId"].(string)
	if status != http.StatusOK || otpID == "" {
		tb.Fatalf("request a login code for %s: status %d %v", identity, status, body)
	}
	otp := code(otpID)
	status, body = postJSON(tb, baseURL+"/api/collections/"+collection+"/auth-with-otp", map[string]any{"otpId": otpID, "password": otp, "mfaId": mfaID})
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

// LogBuffer collects a process's output for FromLog and failure
// messages; safe to write from the process's copying goroutines while a
// test reads it.
type LogBuffer struct {
	mu  gosync.Mutex
	buf bytes.Buffer
}

func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *LogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
